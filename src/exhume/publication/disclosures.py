"""Single-record disclosures: one record's content and salt, its log entry and an inclusion
proof against a release's signed checkpoint (format: :class:`exhume.ledger.Disclosure`).

A disclosure holds the record's content: it is made deliberately, for whoever may see that
record (a family, a court), and proves that exactly this content was logged before the release.
"""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from exhume.audit.events import commitment, snapshot
from exhume.audit.models import LogEntry
from exhume.errors import InvalidInputError, NotFoundError, VerificationError
from exhume.ledger import disclose, leaf_hash
from exhume.ledger.merkle import MerkleTree
from exhume.publication.models import Release

#: The record type a bare id names.
DEFAULT_TYPE = "casework.remains"


def parse_record_ref(ref: str) -> tuple[str, str]:
    """``17`` -> (``casework.remains``, ``17``); ``families.missingperson:3`` -> as written."""
    record_type, _colon, record_id = ref.rpartition(":")
    record_type = record_type or DEFAULT_TYPE
    if not record_id.strip() or "." not in record_type:
        raise InvalidInputError(
            _("record %(ref)r: give a remains id (17) or TYPE:ID (casework.grave:4)")
            % {"ref": ref},
            field="record",
        )
    return record_type, record_id.strip()


def do_disclose(
    record_type: str, record_id: str, label: str | None = None, *, note: bool = False
) -> dict[str, Any]:
    """The disclosure of one record against a release (default: the newest release of all),
    as JSON-ready data: :meth:`exhume.ledger.Disclosure.as_dict` plus ``"release"`` (and, with
    ``note``, ``"note": {"reason", "authority", "salt"}``: the free text that the entry's note
    commits to, kept out of the published leaf; ``exhume.ledger.open_note`` checks it).

    Refuses when the record changed after that release (publish a new one first) or when its
    row no longer opens its commitment (changed outside the application).
    """
    release = _release(label)
    rows = LogEntry.objects.filter(record_type=record_type, record_id=record_id)
    latest = rows.order_by("-seq").first()
    if latest is None:
        raise NotFoundError(
            _("record %(record_type)s %(record_id)s has no log entry")
            % {"record_type": record_type, "record_id": record_id}
        )
    if latest.seq >= release.tree_size:
        raise InvalidInputError(
            _(
                "record %(record_type)s %(record_id)s changed (entry "
                "%(seq)s) after release %(label)s (tree size %(tree_size)s); "
                "publish a new release first"
            )
            % {
                "record_type": record_type,
                "record_id": record_id,
                "seq": latest.seq,
                "label": release.label,
                "tree_size": release.tree_size,
            }
        )
    record = _snapshot(record_type, record_id)
    if not latest.salt or commitment(record, latest.salt) != latest.commitment:
        raise VerificationError(
            _(
                "record %(record_type)s %(record_id)s does not open the "
                "commitment of its entry %(seq)s: it was changed outside the "
                "application"
            )
            % {"record_type": record_type, "record_id": record_id, "seq": latest.seq}
        )
    proof = _tree(release.tree_size).inclusion_proof(latest.seq)
    found = disclose(record, bytes.fromhex(latest.salt), json.loads(latest.leaf), proof)
    data = {"release": release.label, **found.as_dict()}
    if note:
        if not latest.note:
            raise InvalidInputError(
                _("entry %(seq)s has no note to disclose (no reason given, or written before "
                  "entry format 2, with its reason in the published leaf)") % {"seq": latest.seq},
                field="note",
            )  # fmt: skip
        data["note"] = {"reason": latest.reason, "authority": latest.authority,
                        "salt": latest.note_salt}  # fmt: skip
    return data


def _tree(size: int) -> MerkleTree:
    tree = MerkleTree()
    leaves = LogEntry.objects.order_by("seq").values_list("leaf", flat=True)[:size]
    for leaf in leaves.iterator(chunk_size=5000):
        tree.append(leaf_hash(leaf.encode()))
    return tree


def _release(label: str | None) -> Release:
    query = Release.objects.all()
    found = query.filter(label=label).first() if label else query.order_by("-tree_size").first()
    if found is None:
        raise NotFoundError(
            f"no release {label!r}"
            if label
            else "nothing has been released yet: run `exhume release --site SLUG` first"
        )
    return found


def _snapshot(record_type: str, record_id: str) -> dict[str, Any]:
    try:
        model = apps.get_model(record_type)
        instance = model._default_manager.get(pk=record_id)
    except (LookupError, ValueError) as exc:
        raise NotFoundError(
            _("no record type %(record_type)r: %(exc)s") % {"record_type": record_type, "exc": exc}
        ) from None
    except ObjectDoesNotExist:
        raise NotFoundError(
            _("record %(record_type)s %(record_id)s has no row")
            % {"record_type": record_type, "record_id": record_id}
        ) from None
    return snapshot(instance)
