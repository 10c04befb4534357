"""Appending audit events. Called only from action functions, inside their transaction.

Formats come from :mod:`exhume.ledger` and nowhere else, so the database log and the offline
verifier cannot drift apart:

* ``commitment = ledger.commit(snapshot(record), salt)`` with a fresh 32-byte salt per record
  version; the salt is kept (hex) in the ``salt`` column and leaves the database only in a
  deliberate disclosure;
* the entry is ``ledger.make_entry(...)`` (validated) and the stored ``leaf`` is
  ``ledger.entry_leaf(entry)``: the RFC 8785 bytes the Merkle leaf hashes;
* ``seq`` is the entry's leaf index, taken from :class:`LogHead` under a row lock;
* entries are written in format 2 (``exhume.ledger.ENTRY_FORMAT``): the leaf holds a reason code
  and ``note``, a commitment to the free-text reason and authority under a private salt
  (``note_salt``); the texts stay in the row. Rows written in format 1 keep their leaves.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exhume.audit.models import LogEntry, LogHead, Role
from exhume.errors import InvalidInputError
from exhume.ledger import (
    REASON_CODES,
    commit,
    entry_leaf,
    make_entry,
    new_salt,
    note_commitment,
)
from exhume.ledger.canonical import MAX_SAFE_INTEGER


@dataclass(frozen=True)
class Actor:
    """The person or process on whose behalf an action runs."""

    username: str
    role: str

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(name, Role.SYSTEM)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The record's content as JSON-safe values: one key per concrete field, FKs as ids.

    Dates are ISO 8601, datetimes ISO 8601 in UTC (so a value reads back from the database the
    same way it was written), anything else non-JSON as ``str``. Keys are the names under which
    the log commits each field (:func:`logged_names`).
    """
    fields = instance._meta.concrete_fields
    values = {f.attname: getattr(instance, f.attname) for f in fields}
    return snapshot_values(values, logged_names(type(instance)), logged_when_set(type(instance)))


def logged_names(model: type[models.Model]) -> Mapping[str, str]:
    """``{attname: committed name}`` for the fields of ``model`` renamed after the log first
    committed them (the model's ``logged_as``).

    A commitment hashes the snapshot's keys, so a field keeps the name it was committed under:
    renaming ``Grave.marker_label`` to ``grave_number`` in the code must not make every grave
    logged before the rename stop opening its commitment. The names in the log are a format, like
    the ledger's; the names in the code may change.
    """
    names: Mapping[str, str] = getattr(model, "logged_as", {})
    return names


def logged_when_set(model: type[models.Model]) -> frozenset[str]:
    """Fields added after the log first committed records of ``model`` (its ``logged_when_set``):
    left out of a snapshot while empty, so that records logged before they existed still open
    their commitments."""
    return frozenset(getattr(model, "logged_when_set", frozenset()))


def snapshot_values(
    values: Mapping[str, Any],
    names: Mapping[str, str] | None = None,
    when_set: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """:func:`snapshot` of a row read as ``{attname: value}`` (``QuerySet.values()``), its keys
    renamed by ``names`` (:func:`logged_names` of its model), fields of ``when_set``
    (:func:`logged_when_set`) left out while ``None``."""
    names = names or {}
    data: dict[str, Any] = {}
    for attname, value in values.items():
        if value is None and attname in when_set:
            continue
        if isinstance(value, dt.datetime):
            value = value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, str):
            value = str(value)  # a TextChoices member becomes its plain value
        elif isinstance(value, list | dict):
            value = _json_numbers(value)
        elif value is not None and not isinstance(value, int | float | bool | list | dict):
            value = str(value)
        data[names.get(attname, attname)] = value
    return data


def _json_numbers(value: Any) -> Any:
    """A JSON field's value with every integer beyond 2^53 - 1 as the float it was stored from.

    PostgreSQL's jsonb keeps a number as an exact decimal, so a float such as 3.05e34 (a
    likelihood ratio) reads back as the integer 30528614531457964000000000000000000, which
    canonical JSON refuses; SQLite reads back the float. Both now commit the same float."""
    if isinstance(value, dict):
        return {k: _json_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_numbers(v) for v in value]
    if type(value) is int and abs(value) > MAX_SAFE_INTEGER:
        return float(value)
    return value


class LogRow(Protocol):
    """The fields of a log row that its entry is made of (a LogEntry, or a lighter tuple)."""

    @property
    def seq(self) -> int: ...
    @property
    def record_type(self) -> str: ...
    @property
    def record_id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def commitment(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def actor_role(self) -> str: ...
    @property
    def time(self) -> dt.datetime: ...
    @property
    def reason(self) -> str: ...
    @property
    def authority(self) -> str: ...
    @property
    def category(self) -> Any: ...
    @property
    def entry_format(self) -> int: ...
    @property
    def reason_code(self) -> str: ...
    @property
    def note(self) -> str: ...


def commitment(record: Mapping[str, Any], salt_hex: str) -> str:
    """``ledger.commit(record, salt)`` for a salt stored as hex."""
    return commit(record, bytes.fromhex(salt_hex))


def record_type_of(instance: models.Model) -> str:
    """``<app label>.<model name>``, e.g. ``casework.remains``."""
    return f"{instance._meta.app_label}.{instance._meta.model_name}"


def append_event(
    instance: models.Model,
    *,
    action: str,
    actor: Actor,
    version: int = 1,
    category: dict[str, Any] | None = None,
    supersedes: LogEntry | None = None,
    reason: str = "",
    authority: str = "",
    reason_code: str = "",
) -> LogEntry:
    """Append one log entry for ``instance`` in the caller's transaction (must be inside one).

    ``reason`` and ``authority`` are free text, kept in the row and committed by the entry's
    note; ``reason_code`` (one of ``exhume.ledger.REASON_CODES``) is what the leaf shows
    (``other`` for a correction or retraction that gives none).
    """
    if action in ("correct", "retract") and not reason_code:
        reason_code = "other"
    _require_transaction()
    head = lock_head()
    salt = new_salt()
    note, note_salt = make_note(reason, authority)
    entry = make_entry(
        seq=head.size,
        record_type=record_type_of(instance),
        record_id=str(instance.pk),
        version=version,
        commitment=commit(snapshot(instance), salt),
        action=action,
        actor_role=str(actor.role),
        time=timezone.now(),
        supersedes=supersedes.seq if supersedes is not None else None,
        reason=str(check_reason_code(reason_code)) or None,
        note=note,
        category=None if category is None else json.loads(json.dumps(category)),
    )
    return store_entry(
        entry,
        actor=actor,
        salt=salt.hex(),
        head=head,
        supersedes=supersedes,
        texts=(reason, authority, note_salt),
    )


def check_reason_code(code: str) -> str:
    """``code`` when it is empty or one of ``exhume.ledger.REASON_CODES``, else an
    InvalidInputError naming the field and the codes."""
    if code and code not in REASON_CODES:
        raise InvalidInputError(
            _("unknown reason code %(code)r: use one of %(codes)s")
            % {"code": code, "codes": ", ".join(REASON_CODES)},
            field="reason_code",
        )
    return code


def make_note(reason: str, authority: str) -> tuple[str | None, str]:
    """``(note, salt hex)`` committing to the free texts, or ``(None, "")`` when both are
    empty."""
    if not (reason or authority):
        return None, ""
    salt = new_salt()
    return note_commitment(reason, authority, salt), salt.hex()


def lock_head() -> LogHead:
    """The log head, locked until the end of the transaction (appends are serialised)."""
    head, _ = LogHead.objects.select_for_update().get_or_create(pk=1)
    return head


def store_entry(
    entry: Mapping[str, Any],
    *,
    actor: Actor,
    salt: str,
    head: LogHead,
    supersedes: LogEntry | None = None,
    texts: tuple[str, str, str] = ("", "", ""),
) -> LogEntry:
    """Store an entry made by :func:`exhume.ledger.make_entry` as the next row of the log.

    ``entry["seq"]`` must be the locked head's size. The stored leaf is ``entry_leaf(entry)``.
    ``texts`` are a format 2 entry's private (reason, authority, note salt hex).
    """
    version2 = "format" in entry
    reason, authority, note_salt = (
        texts if version2 else (entry["reason"] or "", entry["authority"] or "", "")
    )
    _require_transaction()
    if entry["seq"] != head.size:
        raise RuntimeError(f"entry seq {entry['seq']} is not the next leaf {head.size}")
    row = LogEntry(
        seq=entry["seq"],
        record_type=entry["record_type"],
        record_id=entry["record_id"],
        version=entry["version"],
        action=entry["action"],
        actor=actor.username,
        actor_role=entry["actor_role"],
        time=dt.datetime.fromisoformat(entry["time"]),
        salt=salt,
        commitment=entry["commitment"],
        category=entry["category"],
        supersedes=supersedes,
        entry_format=entry.get("format", 1),
        reason_code=(entry["reason"] or "") if version2 else "",
        reason=reason,
        authority=authority,
        note=entry.get("note") or "",
        note_salt=note_salt,
        leaf=entry_leaf(entry).decode(),
    )
    row.save()
    head.size += 1
    head.save(update_fields=["size"])
    return row


def entry_of_row(row: LogRow, supersedes_seq: int | None) -> dict[str, Any]:
    """The ledger entry a log row's fields describe (``supersedes_seq``: the seq its FK names).

    :func:`exhume.ledger.entry_leaf` of it must equal the stored ``leaf``; raises
    :class:`exhume.errors.InvalidInputError` when the fields break an entry rule. A format 2 row
    gives its reason code and note (its texts are not in the leaf); a format 1 row its texts.
    """
    if row.entry_format != 1:
        texts: dict[str, Any] = {"reason": row.reason_code or None, "note": row.note or None}
    else:
        texts = {"reason": row.reason or None, "authority": row.authority or None}
    return make_entry(
        seq=row.seq,
        record_type=row.record_type,
        record_id=row.record_id,
        version=row.version,
        commitment=row.commitment,
        action=row.action,
        actor_role=row.actor_role,
        time=row.time,
        supersedes=supersedes_seq,
        category=row.category,
        entry_format=row.entry_format,
        **texts,
    )


def latest_entry(instance: models.Model) -> LogEntry | None:
    """The newest log entry for this record, if any."""
    return (
        LogEntry.objects.filter(record_type=record_type_of(instance), record_id=str(instance.pk))
        .order_by("-seq")
        .first()
    )


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit entries are appended only inside the action's transaction")
