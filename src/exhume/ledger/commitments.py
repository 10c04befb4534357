"""Salted record commitments, the log entry format, and single-record disclosures.

Rules:

* commitment = ``SHA-256("exhume/record-commitment/v1" || 0x00 || salt || canonical_json(record))``
  with a fresh 32-byte random salt per record version, written as 64 lowercase hex digits. The
  salt keeps low-entropy records (a name, a sex, an age class) from being guessed from the
  commitment; revealing (record, salt) opens exactly one commitment.
* A log **entry** is a JSON object, and its Merkle leaf is its RFC 8785 canonical bytes::

    {"seq": int >= 0,                 # = its leaf index in the log
     "record_type": str, "record_id": str, "version": int >= 1,
     "commitment": hex64,             # commit(record, salt) for this version
     "action": "create" | "update" | "correct" | "retract" | "publish",
     "actor_role": str,               # a role, never a person's name
     "time": "YYYY-MM-DDTHH:MM:SS[.fraction]Z",   # RFC 3339, UTC
     "supersedes": seq | null,        # the entry this one replaces (same record, earlier seq)
     "reason": str | null, "authority": str | null,
     "category": {...} | null,        # the counting fields, in clear (see check_category)
     "prev": hex64}                   # optional: the log root before this entry

* ``create`` has version 1 and supersedes nothing; ``update``, ``correct`` and ``retract`` name
  the entry they supersede; ``correct`` and ``retract`` need a reason and an authority (who
  authorised changing what may already have been published); ``publish`` records a release.
* The category holds only the fields a published count uses, never names (see
  :data:`CATEGORY_FIELDS`), so that a leaf can be shown to the public as it is.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from exhume.errors import IntegrityError, ValidationError
from exhume.ledger.canonical import canonical_json, loads_strict
from exhume.ledger.checkpoint import Checkpoint
from exhume.ledger.merkle import leaf_hash, verify_inclusion

COMMITMENT_TAG = b"exhume/record-commitment/v1\x00"
SALT_SIZE = 32
ACTIONS = ("create", "update", "correct", "retract", "publish")
REQUIRED_FIELDS = (
    "seq",
    "record_type",
    "record_id",
    "version",
    "commitment",
    "action",
    "actor_role",
    "time",
    "supersedes",
    "reason",
    "authority",
    "category",
)
OPTIONAL_FIELDS = ("prev",)
#: The counting fields a category may hold, and nothing else.
CATEGORY_FIELDS = ("kind", "sex", "age_class", "status", "violent_death", "torture", "exhumed_on")
CATEGORY_KINDS = ("person", "body_part")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def new_salt() -> bytes:
    """32 bytes from the operating system's CSPRNG."""
    return secrets.token_bytes(SALT_SIZE)


def commit(record: Mapping[str, Any], salt: bytes) -> str:
    """``SHA-256(tag || salt || canonical_json(record))`` as 64 hex digits."""
    if len(salt) != SALT_SIZE:
        raise ValidationError(f"a commitment salt has {SALT_SIZE} bytes, got {len(salt)}")
    return hashlib.sha256(COMMITMENT_TAG + salt + canonical_json(record)).hexdigest()


def rfc3339_utc(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ`` for an aware datetime (naive ones are refused)."""
    if moment.tzinfo is None:
        raise ValidationError("entry time must be timezone-aware", field="time")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def make_entry(
    *,
    seq: int,
    record_type: str,
    record_id: str,
    version: int,
    commitment: str,
    action: str,
    actor_role: str,
    time: datetime,
    supersedes: int | None = None,
    reason: str | None = None,
    authority: str | None = None,
    category: Mapping[str, Any] | None = None,
    prev: bytes | None = None,
) -> dict[str, Any]:
    """Build and validate one log entry (format in the module docstring)."""
    entry: dict[str, Any] = {
        "seq": seq,
        "record_type": record_type,
        "record_id": record_id,
        "version": version,
        "commitment": commitment,
        "action": action,
        "actor_role": actor_role,
        "time": rfc3339_utc(time),
        "supersedes": supersedes,
        "reason": reason,
        "authority": authority,
        "category": None if category is None else dict(category),
    }
    if prev is not None:
        entry["prev"] = prev.hex()
    check_entry(entry)
    return entry


def entry_leaf(entry: Mapping[str, Any]) -> bytes:
    """The Merkle leaf data of an entry: its RFC 8785 canonical bytes (validated first)."""
    check_entry(entry)
    return canonical_json(entry)


def parse_entry_leaf(leaf: bytes, *, where: str = "entry") -> dict[str, Any]:
    """Parse leaf bytes back to an entry; they must be canonical and a valid entry."""
    entry = loads_strict(leaf, what=where)
    if not isinstance(entry, dict):
        raise ValidationError(f"{where} is not a JSON object")
    check_entry(entry, where=where)
    if canonical_json(entry) != leaf:
        raise ValidationError(f"{where} is not in RFC 8785 canonical form")
    return entry


def describe_entry(entry: Mapping[str, Any]) -> str:
    """``entry 17 (remains R-12 v3)``, for messages."""
    return (
        f"entry {entry.get('seq')} ({entry.get('record_type')} {entry.get('record_id')} "
        f"v{entry.get('version')})"
    )


def check_entry(entry: Mapping[str, Any], *, where: str = "entry") -> None:
    """Raise ValidationError naming the entry and field when ``entry`` breaks a format rule."""
    missing = [f for f in REQUIRED_FIELDS if f not in entry]
    extra = [f for f in entry if f not in REQUIRED_FIELDS + OPTIONAL_FIELDS]
    if missing or extra:
        raise ValidationError(f"{where}: missing fields {missing}, unknown fields {extra}")
    prefix = describe_entry(entry) if where == "entry" else f"{where}: {describe_entry(entry)}"
    problems = _entry_problems(entry)
    if problems:
        raise ValidationError(f"{prefix}: {'; '.join(problems)}")


def _entry_problems(e: Mapping[str, Any]) -> list[str]:
    problems = [p for p in (_field_problem(e, name) for name in REQUIRED_FIELDS) if p]
    if "prev" in e and not _is_hex64(e["prev"]):
        problems.append("'prev' must be 64 lowercase hex digits")
    return problems or _action_problems(e)


def _field_problem(e: Mapping[str, Any], name: str) -> str | None:
    value = e[name]
    if name in ("seq", "version"):
        low = 0 if name == "seq" else 1
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= low
        return None if ok else f"'{name}' must be an integer >= {low}"
    if name in ("record_type", "record_id", "actor_role"):
        return None if isinstance(value, str) and value else f"'{name}' must be a non-empty string"
    if name == "commitment":
        return None if _is_hex64(value) else "'commitment' must be 64 lowercase hex digits"
    if name == "action":
        return None if value in ACTIONS else f"'action' must be one of {', '.join(ACTIONS)}"
    if name == "time":
        good_time = isinstance(value, str) and _TIME.fullmatch(value) is not None
        return None if good_time else "'time' must be RFC 3339 UTC (YYYY-MM-DDTHH:MM:SSZ)"
    if name == "supersedes":
        ok = value is None or (isinstance(value, int) and not isinstance(value, bool))
        return None if ok else "'supersedes' must be an entry seq or null"
    if name in ("reason", "authority"):
        return None if value is None or isinstance(value, str) else f"'{name}' must be text or null"
    return None if e[name] is None else category_problem(e[name])


def _action_problems(e: Mapping[str, Any]) -> list[str]:
    action, supersedes = e["action"], e["supersedes"]
    problems: list[str] = []
    if action in ("create", "publish") and (supersedes is not None or e["version"] != 1):
        problems.append(f"a '{action}' entry has version 1 and supersedes nothing")
    if action in ("update", "correct", "retract") and supersedes is None:
        problems.append(f"a '{action}' entry must name the entry it supersedes")
    if supersedes is not None and not 0 <= supersedes < e["seq"]:
        problems.append("'supersedes' must name an earlier entry")
    if action in ("correct", "retract") and not (e["reason"] and e["authority"]):
        problems.append(f"a '{action}' entry needs a reason and an authority")
    return problems


def _is_hex64(value: object) -> bool:
    return isinstance(value, str) and _HEX64.fullmatch(value) is not None


def category_problem(category: object) -> str | None:
    """Why ``category`` is not a valid counting-category dict, or None.

    Keys are a subset of :data:`CATEGORY_FIELDS`; ``kind`` is required and is ``person`` or
    ``body_part``; ``torture`` is a bool; ``exhumed_on`` is ``YYYY-MM-DD`` or null; the other
    fields are short text, bool or null (their vocabularies belong to the counting rule).
    """
    if not isinstance(category, dict):
        return "'category' must be an object or null"
    extra = sorted(set(category) - set(CATEGORY_FIELDS))
    if extra:
        return f"'category' may hold only counting fields; remove {extra}"
    if category.get("kind") not in CATEGORY_KINDS:
        return f"category 'kind' must be one of {', '.join(CATEGORY_KINDS)}"
    if "torture" in category and not isinstance(category["torture"], bool):
        return "category 'torture' must be true or false"
    day = category.get("exhumed_on")
    if day is not None and not (isinstance(day, str) and _DATE.fullmatch(day)):
        return "category 'exhumed_on' must be YYYY-MM-DD or null"
    for name in ("sex", "age_class", "status", "violent_death"):
        if not (category.get(name) is None or isinstance(category[name], str | bool)):
            return f"category '{name}' must be text, true/false or null"
    return None


@dataclass(frozen=True)
class Disclosure:
    """Everything needed to prove one record against a checkpoint, and nothing about others."""

    record: Mapping[str, Any]
    salt: bytes
    entry: Mapping[str, Any]
    leaf_index: int
    proof: Sequence[bytes]


def verify_disclosure(disclosure: Disclosure, checkpoint: Checkpoint) -> None:
    """Check that (record, salt) opens the entry's commitment and the entry is in the tree.

    The checkpoint must already have been verified (its signatures). Raises IntegrityError
    naming the entry and what failed.
    """
    entry, index = disclosure.entry, disclosure.leaf_index
    name = describe_entry(entry)
    if entry.get("seq") != index:
        raise IntegrityError(f"{name} is presented as leaf {index}; its seq must equal its leaf")
    if commit(disclosure.record, disclosure.salt) != entry.get("commitment"):
        raise IntegrityError(f"{name}: the record and salt do not open its commitment")
    leaf = leaf_hash(entry_leaf(entry))
    try:
        verify_inclusion(leaf, index, checkpoint.size, disclosure.proof, checkpoint.root)
    except IntegrityError as exc:
        raise IntegrityError(f"{name}: {exc.message}") from exc
