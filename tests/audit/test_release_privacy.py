"""Public bundles carry only what verification needs: a correction's free text never leaves the
database (entry format 2: a reason code and a note committing to the text)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from exhume.audit.events import Actor, latest_entry, lock_head, snapshot, store_entry
from exhume.audit.keys import current_key
from exhume.audit.models import LogEntry
from exhume.casework.actions import do_correct_remains
from exhume.casework.models import Remains
from exhume.counting import count_rule
from exhume.ledger import commit, make_entry, new_salt, open_note, verify_release
from exhume.publication.releases import check_live_database

pytestmark = pytest.mark.django_db

#: Personal data someone might type into a correction.
PLANTED = ("Mykola Shevchenko", "+380 50 123 4567", "Olena Kravets", "Sumska St 12")


def bundle_bytes(directory: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(directory.iterdir()))


def check(directory: Path, previous: Path | None = None) -> list[str]:
    key = current_key()
    assert key is not None
    return verify_release(directory, previous, [key.vkey], count=count_rule).problems


def test_personal_data_in_a_correction_never_reaches_a_public_bundle(
    small_site: Any, publish: Any, actor: Any
) -> None:
    remains = small_site.remains.get(case_number="C-0002")
    do_correct_remains(
        actor,
        remains,
        reason=f"{PLANTED[0]}'s brother ({PLANTED[1]}) recognised the coat",
        authority=f"investigator {PLANTED[2]}, {PLANTED[3]}",
        reason_code="new_examination",
        sex="male",
    )
    first = publish(small_site)
    remains.refresh_from_db()
    do_correct_remains(actor, remains, reason=PLANTED[0], authority=PLANTED[2], sex="female")
    second = publish(small_site)
    for directory in (first.path, second.path):
        published = bundle_bytes(directory)
        for text in (*PLANTED, "Shevchenko", "Kravets", "brother", "investigator"):
            assert text.encode() not in published, (directory, text)
    assert check(first.path) == [] and check(second.path, first.path) == []
    assert b'"reason":"new_examination"' in bundle_bytes(first.path)


def test_the_private_text_opens_the_published_note(small_site: Any, actor: Any) -> None:
    remains = small_site.remains.get(case_number="C-0002")
    do_correct_remains(actor, remains, reason="coat", authority="court 5", sex="male")
    row = LogEntry.objects.order_by("-seq").first()
    assert row is not None and row.entry_format == 2 and row.reason_code == "other"
    open_note(row_entry(row), "coat", "court 5", bytes.fromhex(row.note_salt))


def row_entry(row: LogEntry) -> dict[str, Any]:
    entry: dict[str, Any] = json.loads(row.leaf)
    return entry


def append_format_1_correction(remains: Remains, actor: Actor, **changes: Any) -> None:
    """A correction as written before format 2: reason and authority in the leaf."""
    with transaction.atomic():
        before = latest_entry(remains)
        assert before is not None
        Remains.objects.filter(pk=remains.pk).update(version=remains.version + 1, **changes)
        remains.refresh_from_db()
        head, salt = lock_head(), new_salt()
        from exhume.casework.queries import remains_category

        entry = make_entry(
            seq=head.size,
            record_type="casework.remains",
            record_id=str(remains.pk),
            version=remains.version,
            commitment=commit(snapshot(remains), salt),
            action="correct",
            actor_role=str(actor.role),
            time=dt.datetime.now(dt.UTC),
            supersedes=before.seq,
            reason="re-examined in 2024",
            authority="chief pathologist",
            category=remains_category(remains),
            entry_format=1,
        )
        store_entry(entry, actor=actor, salt=salt.hex(), head=head, supersedes=before)


def test_a_log_with_format_1_entries_still_checks_publishes_and_verifies(
    small_site: Any, publish: Any, actor: Any
) -> None:
    remains = small_site.remains.get(case_number="C-0002")
    append_format_1_correction(remains, actor, sex="male")
    old = LogEntry.objects.order_by("-seq").first()
    assert old is not None and (old.entry_format, old.reason) == (1, "re-examined in 2024")
    first = publish(small_site)
    do_correct_remains(actor, remains, reason="x", authority="y", sex="female")
    second = publish(small_site)
    assert check_live_database().problems == []
    assert check(first.path) == [] and check(second.path, first.path) == []


#: Every field a new release publishes per entry, and why verification needs it. A field added
#: to the log's leaves or to records.json without a line here fails the test below.
NEEDED_ENTRY_FIELDS = {
    "seq": "the leaf index, checked against the inclusion proof",
    "record_type": "which records count (remains) and the history rules (one chain per record)",
    "record_id": "the history rules and the link to the previous release (see docs/counting.md)",
    "version": "the history rules",
    "commitment": "lets an auditor holding the record check it against the log",
    "action": "a category changes only through a correction",
    "actor_role": "a role, never a person: part of the entry format",
    "time": "part of the entry format (when it was logged)",
    "supersedes": "the correction chain from the previous release",
    "reason": "a reason code from a closed list (format 2)",
    "note": "a commitment to the private reason and authority (format 2)",
    "category": "what the counts are computed from",
    "format": "the entry format",
}
NEEDED_RECORD_FIELDS = {"leaf_index", "record_type", "record_id", "version", "commitment",
                        "category"}  # fmt: skip


def test_a_release_publishes_only_the_fields_the_counts_and_their_verification_need(
    small_site: Any, publish: Any, actor: Any
) -> None:
    from exhume.counting import PUBLISHED_FIELDS

    remains = small_site.remains.get(case_number="C-0002")
    do_correct_remains(actor, remains, reason="x", authority="y", sex="male")
    directory = publish(small_site).path
    rows = json.loads((directory / "records.json").read_text())
    entries = [e["entry"] for e in json.loads((directory / "proofs.json").read_text())["entries"]]
    for row in rows:
        assert set(row) <= NEEDED_RECORD_FIELDS, row
    for entry in entries:
        assert set(entry) <= set(NEEDED_ENTRY_FIELDS), entry
        category = entry["category"]
        if category is None:
            continue
        allowed = set(PUBLISHED_FIELDS) if category["kind"] == "person" else {"kind"}
        assert set(category) <= allowed, category
