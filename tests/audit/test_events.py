"""The database log is built by exhume.ledger: the same commitments, entries and leaves."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from exhume.audit.events import append_event, entry_of_row, snapshot
from exhume.audit.models import LogEntry
from exhume.casework.actions import do_correct_remains
from exhume.errors import InvalidInputError
from exhume.ledger import Log, audit_entries, commit, entry_leaf, open_note

pytestmark = pytest.mark.django_db


def test_each_leaf_is_the_ledger_leaf_of_the_row_and_commits_to_the_snapshot(
    make_site: Any, make_remains: Any
) -> None:
    remains = make_remains(make_site())
    row = LogEntry.objects.get(record_type="casework.remains", record_id=str(remains.pk))
    assert row.leaf.encode() == entry_leaf(entry_of_row(row, None))
    assert row.commitment == commit(snapshot(remains), bytes.fromhex(row.salt))
    assert len(row.salt) == 64


def test_the_database_log_rebuilds_as_a_ledger_log_with_its_correction_chain(
    make_site: Any, make_remains: Any, actor: Any
) -> None:
    remains = make_remains(make_site(), sex="undetermined")
    do_correct_remains(
        actor,
        remains,
        reason="pelvis examined",
        authority="pathologist",
        reason_code="new_examination",
        sex="male",
    )
    leaves = [leaf.encode() for leaf in LogEntry.objects.values_list("leaf", flat=True)]
    log = Log.from_leaves(leaves)
    last = log.entry(2)
    assert (log.size, last["action"], last["supersedes"], last["version"]) == (3, "correct", 1, 2)
    assert (last["format"], last["reason"], "authority" in last) == (2, "new_examination", False)
    row = LogEntry.objects.get(seq=2)
    assert (row.reason, row.authority, row.note) == ("pelvis examined", "pathologist", last["note"])
    open_note(last, "pelvis examined", "pathologist", bytes.fromhex(row.note_salt))
    assert last["category"]["group"] == "men"
    assert audit_entries(leaves) == []


def test_an_entry_time_keeps_microseconds_in_rfc3339_utc(make_site: Any) -> None:
    site = make_site()
    row = LogEntry.objects.get(record_type="casework.site", record_id=str(site.pk))
    stamp = entry_of_row(row, None)["time"]
    assert stamp.endswith("Z") and len(stamp) == len("2022-09-16T10:00:00.000000Z")


@pytest.mark.django_db(transaction=True)
def test_appending_outside_a_transaction_is_refused(make_site: Any, actor: Any) -> None:
    site = make_site()
    assert not transaction.get_connection().in_atomic_block
    with pytest.raises(RuntimeError, match="inside the action's transaction"):
        append_event(site, action="create", actor=actor)


def test_a_correction_with_an_unknown_reason_code_is_refused_naming_the_field(
    make_site: Any, make_remains: Any, actor: Any
) -> None:
    remains = make_remains(make_site())
    with pytest.raises(InvalidInputError, match="unknown reason code 'typo'") as info:
        do_correct_remains(
            actor, remains, reason="x", authority="y", reason_code="typo", sex="male"
        )
    assert info.value.field == "reason_code"


def test_a_json_field_read_back_from_postgresql_commits_the_float_it_was_stored_from() -> None:
    from exhume.audit.events import snapshot_values

    stored = {"evidence": {"table": [{"value": 3.0528614531457964e34}]}}
    from_postgresql = {"evidence": {"table": [{"value": 30528614531457964000000000000000000}]}}
    assert snapshot_values(from_postgresql) == snapshot_values(stored)
    assert commit(snapshot_values(from_postgresql), bytes(32)) == commit(stored, bytes(32))
