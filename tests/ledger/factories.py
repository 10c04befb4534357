"""Small builders shared by the ledger tests (entries, logs, keys)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from exhume.ledger.commitments import commit, make_entry, note_commitment
from exhume.ledger.log import Log

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
SALT = bytes(range(32))


def person(sex: str = "male", **extra: Any) -> dict[str, Any]:
    """A category dict for one person."""
    category: dict[str, Any] = {"kind": "person", "sex": sex, "torture": False}
    category.update(extra)
    return category


def create(log: Log, record_id: str, category: dict[str, Any] | None = None) -> dict[str, Any]:
    """Append a 'create' entry for remains ``record_id`` and return it."""
    record = {"id": record_id, "name": f"secret name of {record_id}", "category": category}
    entry = make_entry(
        seq=log.size,
        record_type="remains",
        record_id=record_id,
        version=1,
        commitment=commit(record, SALT),
        action="create",
        actor_role="anthropologist",
        time=T0 + timedelta(minutes=log.size),
        category=category or person(),
    )
    log.append(entry)
    return entry


def change(
    log: Log,
    previous: dict[str, Any],
    category: dict[str, Any] | None,
    action: str = "correct",
    entry_format: int = 2,
) -> dict[str, Any]:
    """Append an entry superseding ``previous`` with a new category (``entry_format`` 1: the
    reason and authority in clear, as entries written before format 2)."""
    reason, note = (
        ("new_examination", note_commitment("re-examination", "chief pathologist", SALT))
        if action != "update"
        else (None,) * 2
    )
    authority = None
    if entry_format == 1 and action != "update":
        reason, note, authority = "re-examination", None, "chief pathologist"
    entry = make_entry(
        seq=log.size,
        record_type=previous["record_type"],
        record_id=previous["record_id"],
        version=previous["version"] + 1,
        commitment=commit({"v": previous["version"] + 1}, SALT),
        action=action,
        actor_role="pathologist",
        time=T0 + timedelta(minutes=log.size),
        supersedes=previous["seq"],
        reason=reason,
        note=note,
        authority=authority,
        category=category,
        entry_format=entry_format,
    )
    log.append(entry)
    return entry


def basic_counts(categories: list[dict[str, Any]]) -> dict[str, Any]:
    """A small counting rule for the tests: persons by sex, body parts, torture cases."""
    persons = [c for c in categories if c["kind"] == "person"]
    by_sex: dict[str, int] = {}
    for c in persons:
        by_sex[str(c.get("sex"))] = by_sex.get(str(c.get("sex")), 0) + 1
    return {
        "persons": len(persons),
        "body_parts": len(categories) - len(persons),
        "persons_by_sex": dict(sorted(by_sex.items())),
        "torture": sum(1 for c in persons if c.get("torture")),
    }
