"""Salted record commitments, the log entry format, and single-record disclosures.

Rules:

* commitment = ``SHA-256("exhume/record-commitment/v1" || 0x00 || salt || canonical_json(record))``
  with a fresh 32-byte random salt per record version, written as 64 lowercase hex digits. The
  salt keeps low-entropy records (a name, a sex, an age class) from being guessed from the
  commitment; revealing (record, salt) opens exactly one commitment.
* A log **entry** is a JSON object, and its Merkle leaf is its RFC 8785 canonical bytes. Two
  formats exist; every new entry is format 2, and format 1 entries (written before it) stay
  valid forever, so old logs and old releases still verify::

    {"format": 2,                     # absent in format 1
     "seq": int >= 0,                 # = its leaf index in the log
     "record_type": str, "record_id": str, "version": int >= 1,
     "commitment": hex64,             # commit(record, salt) for this version
     "action": "create" | "update" | "correct" | "retract" | "publish",
     "actor_role": str,               # a role, never a person's name
     "time": "YYYY-MM-DDTHH:MM:SS[.fraction]Z",   # RFC 3339, UTC
     "supersedes": seq | null,        # the entry this one replaces (same record, earlier seq)
     "reason": code | null,           # format 2: one of REASON_CODES (format 1: free text)
     "note": hex64 | null,            # format 2: note_commitment(reason text, authority, salt)
     "authority": str | null,         # format 1 only: free text
     "category": {...} | null,        # the counting fields, in clear (see check_category)
     "prev": hex64}                   # optional: the log root before this entry

* Format 2 keeps free text out of the leaf, because leaves are published (a release's
  proofs.json shows every entry it proves): a correction's reason is a code from the closed list
  :data:`REASON_CODES`, and its free-text reason and authority (which may name people) are
  committed by ``note = SHA-256("exhume/entry-note/v1" || 0x00 || salt ||
  canonical_json({"authority", "reason"}))`` with their own private 32-byte salt, so the text
  can be shown to an auditor later and checked against the published leaf
  (:func:`open_note`), and cannot be guessed from it.

* ``create`` has version 1 and supersedes nothing; ``update``, ``correct`` and ``retract`` name
  the entry they supersede; ``correct`` and ``retract`` need a reason and an authority (who
  authorised changing what may already have been published): in format 2 a reason code and a
  note committing to both texts; ``publish`` records a release.
* The category holds only the fields a published count uses, never names (see
  :data:`CATEGORY_FIELDS`), so that a leaf can be shown to the public as it is.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from exhume.errors import InvalidInputError, VerificationError
from exhume.ledger.canonical import MAX_SAFE_INTEGER, canonical_json, canonical_json_simple
from exhume.ledger.checkpoint import Checkpoint
from exhume.ledger.merkle import leaf_hash, verify_inclusion

COMMITMENT_TAG = b"exhume/record-commitment/v1\x00"
NOTE_TAG = b"exhume/entry-note/v1\x00"
SALT_SIZE = 32
ACTIONS = ("create", "update", "correct", "retract", "publish")
#: The entry format new entries are written in (format 1: free-text reason and authority).
ENTRY_FORMAT = 2
#: Why a record was corrected (format 2 ``reason``): a closed list, so a leaf never holds text.
REASON_CODES = (
    "data_entry_error",  # a typing or transcription mistake
    "new_examination",  # re-examination, new forensic findings
    "identification",  # the identification board confirmed or withdrew an identification
    "association",  # a body part tied to or untied from a body
    "duplicate",  # the same remains or person entered twice
    "legal_order",  # ordered by a court, a prosecutor or another legal authority
    "data_protection",  # personal data removed or restricted
    "other",
)
#: The fields of a format 1 entry.
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
#: The fields of a format 2 entry: ``format`` and ``note`` added, ``authority`` gone.
REQUIRED_FIELDS_V2 = (*(f for f in REQUIRED_FIELDS if f != "authority"), "format", "note")
OPTIONAL_FIELDS = ("prev",)
#: The counting fields a category may hold, and nothing else.
#: ``group``, ``identified`` (and ``violent_death`` as true/false) make the published category
#: (``exhume.counting.published_category``), which new entries hold; the others are the full
#: category of entries written before it.
CATEGORY_FIELDS = ("kind", "sex", "age_class", "status", "violent_death", "torture", "exhumed_on",
                   "identified_on", "group", "identified")  # fmt: skip
#: ``part_of_person``: a body part tied to a counted person (counted with that person, not again).
CATEGORY_KINDS = ("person", "body_part", "part_of_person")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def new_salt() -> bytes:
    """32 bytes from the operating system's CSPRNG."""
    return secrets.token_bytes(SALT_SIZE)


def commit(record: Mapping[str, Any], salt: bytes) -> str:
    """``SHA-256(tag || salt || canonical_json(record))`` as 64 hex digits."""
    if len(salt) != SALT_SIZE:
        raise InvalidInputError(f"a commitment salt has {SALT_SIZE} bytes, got {len(salt)}")
    return hashlib.sha256(COMMITMENT_TAG + salt + canonical_json(record)).hexdigest()


def note_commitment(reason: str, authority: str, salt: bytes) -> str:
    """``SHA-256(tag || salt || canonical_json({"authority", "reason"}))`` as 64 hex digits: a
    format 2 entry's ``note``, committing to the free text kept out of the leaf."""
    if len(salt) != SALT_SIZE:
        raise InvalidInputError(f"a note salt has {SALT_SIZE} bytes, got {len(salt)}")
    text = canonical_json({"authority": authority, "reason": reason})
    return hashlib.sha256(NOTE_TAG + salt + text).hexdigest()


def open_note(entry: Mapping[str, Any], reason: str, authority: str, salt: bytes) -> None:
    """Check that the disclosed (reason, authority, salt) is what a format 2 entry's ``note``
    commits to; raises VerificationError naming the entry."""
    if entry.get("note") is None or note_commitment(reason, authority, salt) != entry["note"]:
        raise VerificationError(
            f"{describe_entry(entry)}: this reason, authority and salt do not open its note"
        )


def rfc3339_utc(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ`` for an aware datetime (naive ones are refused)."""
    if moment.tzinfo is None:
        raise InvalidInputError("entry time must be timezone-aware", field="time")
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
    note: str | None = None,
    category: Mapping[str, Any] | None = None,
    prev: bytes | None = None,
    entry_format: int = ENTRY_FORMAT,
) -> dict[str, Any]:
    """Build and validate one log entry (format in the module docstring).

    Format 2 (the default): ``reason`` is a code of :data:`REASON_CODES` and ``note`` the
    :func:`note_commitment` of the texts; ``authority`` must be None. Format 1 (only to rebuild
    entries written before format 2): ``reason`` and ``authority`` are free text.
    """
    if entry_format not in (1, 2):
        raise InvalidInputError(f"unknown entry format {entry_format}", field="format")
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
    if entry_format == 2:
        if authority is not None:
            raise InvalidInputError(
                "a format 2 entry keeps the authority in its note, never in clear",
                field="authority",
            )
        del entry["authority"]
        entry.update({"format": 2, "note": note})
    elif note is not None:
        raise InvalidInputError("a format 1 entry has no note", field="note")
    if prev is not None:
        entry["prev"] = prev.hex()
    check_entry(entry)
    return entry


def entry_leaf(entry: Mapping[str, Any]) -> bytes:
    """The Merkle leaf data of an entry: its RFC 8785 canonical bytes (validated first).

    A valid entry holds only ASCII-named fields with text, safe integers, booleans or null, so
    the fast canonical path applies (see :func:`~exhume.ledger.canonical.canonical_json_simple`).
    """
    check_entry(entry)
    return canonical_json_simple(dict(entry))


def parse_entry_leaf(leaf: bytes, *, where: str = "entry") -> dict[str, Any]:
    """Parse leaf bytes back to an entry; they must be canonical and a valid entry.

    Duplicate names and NaN need no special parser: a duplicate disappears from the dict and a
    NaN is not a valid field value, so either makes the bytes fail the canonical comparison or
    the entry rules.
    """
    try:
        entry = json.loads(leaf)
    except ValueError as exc:
        raise InvalidInputError(f"{where} is not valid JSON: {exc}") from exc
    if not isinstance(entry, dict):
        raise InvalidInputError(f"{where} is not a JSON object")
    check_entry(entry, where=where)
    if canonical_json_simple(entry) != leaf:
        raise InvalidInputError(f"{where} is not in RFC 8785 canonical form")
    return entry


def describe_entry(entry: Mapping[str, Any]) -> str:
    """``entry 17 (remains R-12 v3)``, for messages."""
    return (
        f"entry {entry.get('seq')} ({entry.get('record_type')} {entry.get('record_id')} "
        f"v{entry.get('version')})"
    )


def check_entry(entry: Mapping[str, Any], *, where: str = "entry") -> None:
    """Raise InvalidInputError naming the entry and field when ``entry`` breaks a format rule."""
    names = entry.keys()
    version2 = "format" in entry
    required, allowed = (_REQUIRED_V2, _ALLOWED_V2) if version2 else (_REQUIRED, _ALLOWED)
    if names - allowed or required - names:
        order = REQUIRED_FIELDS_V2 if version2 else REQUIRED_FIELDS
        missing = [f for f in order if f not in entry]
        extra = sorted(str(f) for f in names - allowed)
        raise InvalidInputError(f"{where}: missing fields {missing}, unknown fields {extra}")
    rules = _FIELD_RULES_V2 if version2 else _FIELD_RULES
    problems = [message for name, ok, message in rules if not ok(entry[name])]
    if "prev" in entry and not _is_hex64(entry["prev"]):
        problems.append("'prev' must be 64 lowercase hex digits")
    if entry["category"] is not None and not problems:
        problems += filter(None, [category_problem(entry["category"])])
    problems = problems or _action_problems(entry)
    if problems:
        prefix = describe_entry(entry) if where == "entry" else f"{where}: {describe_entry(entry)}"
        raise InvalidInputError(f"{prefix}: {'; '.join(problems)}")


def _is_int(low: int) -> Callable[[Any], bool]:
    return lambda v: type(v) is int and low <= v <= MAX_SAFE_INTEGER


def _is_text(v: Any) -> bool:
    return type(v) is str and v != ""


def _is_time(v: Any) -> bool:
    return type(v) is str and _TIME.fullmatch(v) is not None


_is_seq = _is_int(0)
_REQUIRED = frozenset(REQUIRED_FIELDS)
_ALLOWED = frozenset(REQUIRED_FIELDS + OPTIONAL_FIELDS)
_REQUIRED_V2 = frozenset(REQUIRED_FIELDS_V2)
_ALLOWED_V2 = frozenset(REQUIRED_FIELDS_V2 + OPTIONAL_FIELDS)
#: (field, test, message) for every field; the category is checked by category_problem.
_FIELD_RULES: tuple[tuple[str, Callable[[Any], bool], str], ...] = (
    ("seq", _is_seq, "'seq' must be an integer from 0 to 2^53 - 1"),
    ("record_type", _is_text, "'record_type' must be a non-empty string"),
    ("record_id", _is_text, "'record_id' must be a non-empty string"),
    ("version", _is_int(1), "'version' must be an integer from 1 to 2^53 - 1"),
    ("commitment", lambda v: _is_hex64(v), "'commitment' must be 64 lowercase hex digits"),
    (
        "action",
        lambda v: type(v) is str and v in ACTIONS,
        "'action' must be one of " + ", ".join(ACTIONS),
    ),
    ("actor_role", _is_text, "'actor_role' must be a non-empty string"),
    ("time", _is_time, "'time' must be RFC 3339 UTC (YYYY-MM-DDTHH:MM:SS[.fraction]Z)"),
    ("supersedes", lambda v: v is None or _is_seq(v), "'supersedes' must be a seq or null"),
    ("reason", lambda v: v is None or type(v) is str, "'reason' must be text or null"),
    ("authority", lambda v: v is None or type(v) is str, "'authority' must be text or null"),
    ("category", lambda v: v is None or type(v) is dict, "'category' must be an object or null"),
)
#: Format 2: ``reason`` a code, ``note`` a commitment, no ``authority``.
_FIELD_RULES_V2: tuple[tuple[str, Callable[[Any], bool], str], ...] = (
    ("format", lambda v: type(v) is int and v == 2, "'format' must be 2 (or absent: format 1)"),
    *(rule for rule in _FIELD_RULES if rule[0] not in ("reason", "authority")),
    (
        "reason",
        lambda v: v is None or (type(v) is str and v in REASON_CODES),
        "'reason' must be null or one of " + ", ".join(REASON_CODES),
    ),
    ("note", lambda v: v is None or _is_hex64(v), "'note' must be 64 lowercase hex digits or null"),
)


def _action_problems(e: Mapping[str, Any]) -> list[str]:
    action, supersedes = e["action"], e["supersedes"]
    problems: list[str] = []
    if action in ("create", "publish") and (supersedes is not None or e["version"] != 1):
        problems.append(f"a '{action}' entry has version 1 and supersedes nothing")
    if action in ("update", "correct", "retract") and supersedes is None:
        problems.append(f"a '{action}' entry must name the entry it supersedes")
    if supersedes is not None and not 0 <= supersedes < e["seq"]:
        problems.append("'supersedes' must name an earlier entry")
    if action in ("correct", "retract"):
        if "format" in e and not (e["reason"] and e["note"]):
            problems.append(
                f"a '{action}' entry needs a reason code and a note (reason, authority)"
            )
        elif "format" not in e and not (e["reason"] and e["authority"]):
            problems.append(f"a '{action}' entry needs a reason and an authority")
    return problems


def _is_hex64(value: object) -> bool:
    return type(value) is str and _HEX64.fullmatch(value) is not None


def category_problem(category: object) -> str | None:
    """Why ``category`` is not a valid counting-category dict, or None.

    Keys are a subset of :data:`CATEGORY_FIELDS`; ``kind`` is required and is one of
    :data:`CATEGORY_KINDS`; ``torture`` is a bool; ``exhumed_on`` and ``identified_on`` (the date
    a board confirmed who it is; never a name) are ``YYYY-MM-DD`` or null; the
    other fields are text, bool or null (their vocabularies belong to the counting rule).
    """
    if not isinstance(category, dict):
        return "'category' must be an object or null"
    extra = sorted(set(category) - set(CATEGORY_FIELDS))
    if extra:
        return f"'category' may hold only counting fields; remove {extra}"
    if category.get("kind") not in CATEGORY_KINDS:
        return f"category 'kind' must be one of {', '.join(CATEGORY_KINDS)}"
    for name in ("torture", "identified"):
        if name in category and type(category[name]) is not bool:
            return f"category '{name}' must be true or false"
    for name in ("exhumed_on", "identified_on"):
        day = category.get(name)
        if day is not None and not (type(day) is str and _DATE.fullmatch(day)):
            return f"category '{name}' must be YYYY-MM-DD or null"
    for name in ("sex", "age_class", "status", "violent_death", "group"):
        if not (category.get(name) is None or type(category[name]) in (str, bool)):
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

    def as_dict(self) -> dict[str, Any]:
        """JSON form: ``{"record", "salt" (hex), "entry", "leaf_index", "proof" ([hex])}``."""
        return {
            "record": dict(self.record),
            "salt": self.salt.hex(),
            "entry": dict(self.entry),
            "leaf_index": self.leaf_index,
            "proof": [h.hex() for h in self.proof],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Disclosure:
        """Read the JSON form of :meth:`as_dict`; InvalidInputError names what is malformed."""
        try:
            return cls(
                record=dict(data["record"]),
                salt=bytes.fromhex(data["salt"]),
                entry=dict(data["entry"]),
                leaf_index=int(data["leaf_index"]),
                proof=[bytes.fromhex(h) for h in data["proof"]],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInputError(
                f"disclosure is malformed: {type(exc).__name__}: {exc}"
            ) from exc


def disclose(
    record: Mapping[str, Any], salt: bytes, entry: Mapping[str, Any], proof: Sequence[bytes]
) -> Disclosure:
    """The disclosure of one record version, whose log entry is ``entry`` (leaf = its seq)."""
    return Disclosure(record, salt, entry, entry["seq"], list(proof))


def verify_disclosure(disclosure: Disclosure, checkpoint: Checkpoint) -> None:
    """Check that (record, salt) opens the entry's commitment and the entry is in the tree.

    The checkpoint must already have been verified (its signatures). Raises VerificationError
    naming the entry and what failed.
    """
    entry, index = disclosure.entry, disclosure.leaf_index
    name = describe_entry(entry)
    if entry.get("seq") != index:
        raise VerificationError(f"{name} is presented as leaf {index}; its seq must equal its leaf")
    if commit(disclosure.record, disclosure.salt) != entry.get("commitment"):
        raise VerificationError(f"{name}: the record and salt do not open its commitment")
    leaf = leaf_hash(entry_leaf(entry))
    try:
        verify_inclusion(leaf, index, checkpoint.size, disclosure.proof, checkpoint.root)
    except VerificationError as exc:
        raise VerificationError(f"{name}: {exc.message}") from exc
