"""Every way of tampering named in the issue is detected, by a message naming the record,
the log entry or the file at fault. Rows are changed with raw SQL, as someone at the database
console would; releases are changed by editing their files."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from exhume.audit.events import Actor, append_event, latest_entry
from exhume.audit.models import LogEntry, LogHead
from exhume.counting import count_rule
from exhume.errors import VerificationError
from exhume.ledger import audit_entries, generate_signer, sign_note, verify_release
from exhume.ledger.note import parse_note
from exhume.publication.releases import check_live_database

pytestmark = pytest.mark.django_db
LOG_FIELDS = (
    "record_type", "record_id", "version", "action", "actor", "actor_role", "time", "salt",
    "commitment", "category", "supersedes_id", "reason", "authority", "leaf",
)  # fmt: skip


def sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def problems() -> list[str]:
    return check_live_database().problems


def verify(directory: str | Path, previous: str | Path | None = None, keys: Any = None) -> Any:
    before = Path(previous) if previous else None
    return verify_release(Path(directory), before, keys, count=count_rule)


def remains_of(site: Any, case: str) -> Any:
    return site.remains.get(case_number=case)


def test_an_untouched_database_matches_its_log(small_site: Any, publish: Any) -> None:
    publish(small_site)
    report = check_live_database()
    assert report.problems == []
    assert (report.entries, report.releases) == (8, 1)  # site, 5 remains, key, publish


# --- the database tables ------------------------------------------------------------------


def test_a_field_edited_in_sql_is_named_with_the_counting_field_it_changed(
    small_site: Any,
) -> None:
    remains = remains_of(small_site, "C-0002")
    sql("UPDATE casework_remains SET sex = 'male' WHERE id = %s", [remains.pk])
    assert problems() == [
        f"casework.remains {remains.pk} was changed outside the application: the row no longer "
        f"opens the commitment of its latest log entry seq 2 (v1); counting fields changed: "
        "group: logged 'women', table 'men'"
    ]


def test_a_non_counting_field_edited_in_sql_is_named_too(small_site: Any) -> None:
    remains = remains_of(small_site, "C-0003")
    sql("UPDATE casework_remains SET personal_effects = 'ring' WHERE id = %s", [remains.pk])
    assert problems() == [
        f"casework.remains {remains.pk} was changed outside the application: the row no longer "
        "opens the commitment of its latest log entry seq 3 (v1)"
    ]


def test_a_row_deleted_in_sql_is_named(small_site: Any) -> None:
    remains = remains_of(small_site, "C-0004")
    sql("DELETE FROM casework_remains WHERE id = %s", [remains.pk])
    assert problems() == [
        f"casework.remains {remains.pk} was DELETEd outside the application: the log has it "
        "(latest entry seq 4, v1) but its table has no such row"
    ]


def test_a_row_inserted_in_sql_is_named(small_site: Any) -> None:
    columns = (
        "site_id, grave_id, exhumed_on, kind, body_id, sex, age_class, age_min, age_max, "
        "status, cause_of_death, violent_death, torture_indicators, condition, "
        "personal_effects, distinguishing_marks, notes, version"
    )
    source = remains_of(small_site, "C-0001").pk
    sql(
        f"INSERT INTO casework_remains (case_number, {columns}) "
        f"SELECT 'FORGED-1', {columns} FROM casework_remains WHERE id = %s",
        [source],
    )
    forged = small_site.remains.get(case_number="FORGED-1")
    assert problems() == [
        f"casework.remains {forged.pk} was INSERTed outside the application: it has no log entry"
    ]


# --- the log table ------------------------------------------------------------------------


def swap_log_rows(seq_a: int, seq_b: int) -> None:
    """Exchange every field but seq (and id) of two log rows: the entries change places."""
    a, b = (LogEntry.objects.values(*LOG_FIELDS).get(seq=s) for s in (seq_a, seq_b))
    for seq, values in ((seq_a, b), (seq_b, a)):
        values = {**values, "category": json.dumps(values["category"])}
        assignments = ", ".join(f"{name} = %s" for name in values)
        sql(f"UPDATE audit_logentry SET {assignments} WHERE seq = %s", [*values.values(), seq])


def test_reordered_log_rows_are_named_and_break_the_signed_root(
    small_site: Any, publish: Any
) -> None:
    release = publish(small_site)
    two, three = (remains_of(small_site, case).pk for case in ("C-0002", "C-0003"))
    swap_log_rows(2, 3)
    found = problems()
    leaves = [leaf.encode() for leaf in LogEntry.objects.values_list("leaf", flat=True)]
    assert set(audit_entries(leaves)) <= set(found)  # every rule of the library, same words
    assert (
        f"entry 3 (casework.remains {three} v1) is at leaf 2; seq must equal the leaf index"
        in found
    )
    assert (
        f"entry 2 (casework.remains {two} v1) is at leaf 3; seq must equal the leaf index" in found
    )
    assert (
        f"release {release.label}: the first {release.tree_size} log entries no longer hash to "
        f"its signed root {release.root}: entries up to seq {release.tree_size - 1} were "
        "changed, reordered or removed"
    ) in found


def test_a_rewritten_leaf_is_named_even_when_its_fields_still_look_right(
    small_site: Any, publish: Any
) -> None:
    publish(small_site)
    row = LogEntry.objects.get(seq=3)
    forged = row.leaf.replace('"group":"men"', '"group":"women"')
    sql("UPDATE audit_logentry SET leaf = %s WHERE seq = 3", [forged])
    found = problems()
    assert (
        f"log row seq 3 (casework.remains {row.record_id} v1): the stored leaf is not the leaf "
        "of the row's fields (the row or its leaf was edited)"
    ) in found
    assert any(p.startswith("release lisova-1: the first") for p in found)


def test_a_truncated_log_is_named_against_the_signed_checkpoint(
    small_site: Any, publish: Any
) -> None:
    release = publish(small_site)
    last_remains = remains_of(small_site, "C-0005")
    sql("DELETE FROM audit_logentry WHERE seq >= %s", [release.tree_size - 3])
    sql("UPDATE audit_loghead SET size = %s", [release.tree_size - 3])
    found = problems()
    assert (
        f"release lisova-1: its signed checkpoint covers {release.tree_size} entries but the log "
        f"has only {release.tree_size - 3}: log entries {release.tree_size - 3}.."
        f"{release.tree_size - 1} were deleted (truncated)"
    ) in found
    assert (
        f"casework.remains {last_remains.pk} was INSERTed outside the application: it has no log "
        "entry"
    ) in found


def test_deleting_only_the_newest_rows_still_leaves_the_head_and_records_to_name_it(
    small_site: Any,
) -> None:
    last_remains = remains_of(small_site, "C-0005")
    sql("DELETE FROM audit_logentry WHERE seq = 5")
    assert problems() == [
        "the log head says 6 entries but the log table holds 5 rows",
        f"casework.remains {last_remains.pk} was INSERTed outside the application: it has no log "
        "entry",
    ]
    assert LogHead.objects.get().size == 6


# --- release files --------------------------------------------------------------------------


def test_a_signature_swapped_from_another_checkpoint_is_refused(
    small_site: Any, publish: Any, make_remains: Any
) -> None:
    first = publish(small_site)
    make_remains(small_site)
    second = publish(small_site)
    other = parse_note(second.checkpoint).signatures[0]
    note = parse_note(first.checkpoint)
    forged = (
        note.text
        + "\n"
        + f"— {other.name} "
        + base64.b64encode(other.key_id + other.signature).decode()
        + "\n"
    )
    (first.path / "checkpoint.txt").write_text(forged)
    report = verify(first.path, keys=[second.log_key])
    assert report.problems == [
        f"checkpoint.txt: signature by exhume.local/log (key ID {other.key_id.hex()}) does not "
        "verify"
    ]


def test_a_checkpoint_signed_with_another_key_is_refused_by_the_trusted_key(
    small_site: Any, publish: Any, make_remains: Any
) -> None:
    first = publish(small_site)
    make_remains(small_site)
    second = publish(small_site)
    directory = second.path
    intruder = generate_signer("exhume.local/log")
    (directory / "checkpoint.txt").write_text(
        sign_note(parse_note(second.checkpoint).text, [intruder])
    )
    (directory / "keys.json").write_text(
        json.dumps({"log": [intruder.verifier.vkey], "witnesses": []})
    )
    expected = (
        "checkpoint.txt: note has no signature from a known key: signed by exhume.local/log "
        f"(key ID {intruder.key_id.hex()}); known keys: exhume.local/log (key ID "
        f"{second.log_key.split('+')[1]})"
    )
    for report in (verify(directory, keys=[second.log_key]), verify(directory, first.path)):
        assert expected in report.problems


def test_a_lowered_count_in_summary_json_is_named(small_site: Any, publish: Any) -> None:
    directory = publish(small_site).path
    summary = json.loads((directory / "summary.json").read_text())
    summary["counts"]["total"] = 3
    (directory / "summary.json").write_text(json.dumps(summary))
    found = verify(directory).problems
    assert "summary.json counts.total is 3, the committed records give 4" in found
    assert any("a record or a count was added, removed or changed" in p for p in found)


def test_a_category_edited_in_records_json_is_named(small_site: Any, publish: Any) -> None:
    directory = publish(small_site).path
    rows = json.loads((directory / "records.json").read_text())
    soldier = next(r for r in rows if r["category"].get("group") == "servicemen")
    soldier["category"]["group"] = "men"
    (directory / "records.json").write_text(json.dumps(rows))
    found = verify(directory).problems
    assert any(
        p.startswith(f"record casework.remains {soldier['record_id']} (records.json[")
        and "says category = " in p
        for p in found
    ), found


def test_a_status_changed_in_sql_blocks_the_next_release_and_is_named(
    small_site: Any, publish: Any
) -> None:
    publish(small_site)
    soldier = remains_of(small_site, "C-0004")
    sql("UPDATE casework_remains SET status = 'civilian' WHERE id = %s", [soldier.pk])
    with pytest.raises(VerificationError, match=f"casework.remains {soldier.pk} \\(case C-0004\\)"):
        publish(small_site)
    assert any(
        p.startswith(f"casework.remains {soldier.pk} was changed outside the application")
        and "group: logged 'servicemen', table 'men'" in p
        for p in problems()
    )


def test_a_count_lowered_by_a_plain_update_entry_fails_against_the_previous_release(
    small_site: Any, publish: Any
) -> None:
    """A code path that bypasses the correction action: the row is changed and logged as an
    'update' with no reason or authority. The next release verifies alone but not against the
    previous one, whose counts it silently lowers."""
    first = publish(small_site)
    soldier = remains_of(small_site, "C-0004")
    sql("UPDATE casework_remains SET status = 'civilian', version = 2 WHERE id = %s", [soldier.pk])
    soldier.refresh_from_db()
    from django.db import transaction

    from exhume.casework.queries import logged_category

    with transaction.atomic():
        append_event(
            soldier,
            action="update",
            actor=Actor("someone", "field"),
            version=2,
            category=logged_category(soldier),
            supersedes=latest_entry(soldier),
        )
    second = publish(small_site)
    assert verify(second.path, first.path).problems == [
        f"entry {second.tree_size - 2} (casework.remains {soldier.pk} v2) changes the category "
        f"of record casework.remains {soldier.pk} from "
        '{"exhumed_on":"2022-09-16","group":"servicemen","identified":false,"kind":"person",'
        '"torture":false,"violent_death":true} to '
        '{"exhumed_on":"2022-09-16","group":"men","identified":false,"kind":"person",'
        '"torture":false,"violent_death":true} with action \'update\'; a '
        "change of category needs a 'correct' entry with a reason and an authority"
    ]


def test_a_stored_bundle_whose_checkpoint_was_replaced_is_named(
    small_site: Any, publish: Any
) -> None:
    release = publish(small_site)
    path = release.path / "checkpoint.txt"
    path.write_text(release.checkpoint.replace("exhume.local/log\n", "exhume.local/log2\n", 1))
    assert problems() == [f"release lisova-1: {path} is not the checkpoint recorded at publication"]
