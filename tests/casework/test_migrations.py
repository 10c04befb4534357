"""The grave-number rename keeps the data and the audit log's commitments (migration 0002)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from exhume.audit.events import Actor, append_event
from exhume.audit.integrity import check_database

BEFORE = [("casework", "0001_initial")]
AFTER = [("casework", "0002_grave_number_and_body")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_records_logged_before_the_rename_keep_their_values_and_open_their_commitments() -> None:
    old = _migrate(BEFORE)
    actor = Actor("field-team-1", "field")
    site = old.get_model("casework", "Site").objects.create(name="Old", slug="old", place="P")
    grave = old.get_model("casework", "Grave").objects.create(
        site=site, marker_label="117", marker_inscription="№ 117"
    )
    entry = old.get_model("casework", "BurialJournalEntry").objects.create(
        site=site, marker_number="117", name_as_written="Бойко", grave=grave
    )
    remains = old.get_model("casework", "Remains")
    body = remains.objects.create(site=site, case_number="C-1", exhumed_on=dt.date(2022, 9, 16))
    part = remains.objects.create(
        site=site, case_number="C-2", exhumed_on=dt.date(2022, 9, 16), kind="body_part",
        part_of=body,
    )  # fmt: skip
    with transaction.atomic():
        for record in (site, grave, entry, body, part):
            append_event(record, action="create", actor=actor, version=1)

    new = _migrate(AFTER)
    assert new.get_model("casework", "Grave").objects.get().grave_number == "117"
    assert new.get_model("casework", "Grave").objects.get().inscription == "№ 117"
    assert new.get_model("casework", "BurialJournalEntry").objects.get().grave_number == "117"
    assert new.get_model("casework", "Remains").objects.get(case_number="C-2").body_id == body.pk

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    report = check_database(releases=[])
    assert report.problems == []
