"""Release moves from audit to publication with its rows, its slug becoming a site key."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("audit", "0003_release_directory_relative"), ("casework", "0002_grave_number_and_body")]
AFTER = [("publication", "0001_release")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_releases_published_before_the_move_keep_their_rows_and_gain_their_site() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("publication", None)])
    old = _migrate(BEFORE)
    site = old.get_model("casework", "Site").objects.create(name="Izium", slug="izium", place="P")
    old.get_model("audit", "Release").objects.create(
        site_slug="izium", number=1, label="izium-1", tree_size=5, root="ab" * 32,
        checkpoint="note", log_key="k", directory="releases/izium/izium-1",
        created_at=dt.datetime(2022, 9, 30, tzinfo=dt.UTC),
    )  # fmt: skip

    new = _migrate(AFTER)
    release = new.get_model("publication", "Release").objects.get()
    assert (release.label, release.number, release.site_id, release.tree_size) == (
        "izium-1", 1, site.pk, 5,
    )  # fmt: skip

    old = _migrate(BEFORE)  # and back again, the slug restored from the site
    assert old.get_model("audit", "Release").objects.get().site_slug == "izium"
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
