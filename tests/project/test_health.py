"""``/healthz``: database reachable, migrations applied, log consistent with the last release."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client

from exhume.audit.events import Actor
from exhume.audit.models import LogEntry, LogHead
from exhume.casework.actions import do_correct_site
from exhume.project import health


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EXHUME_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def released(db: None, make_site: Callable[..., Any], make_remains: Callable[..., Any]) -> Any:
    """A site with two persons and its first signed release."""
    from exhume.publication.releases import do_publish_release

    site = make_site("lisova")
    make_remains(site)
    make_remains(site, sex="male")
    do_publish_release(Actor("publisher", "admin"), site)
    return site


def test_it_is_healthy_on_an_empty_database(client: Client, db: None) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["checks"]["log"] == {"ok": True, "size": 0, "release": None}
    assert response["Cache-Control"].startswith("max-age=0")


def test_it_names_the_last_release_it_checked(client: Client, released: Any) -> None:
    log = client.get("/healthz").json()["checks"]["log"]
    size = LogHead.objects.get().size
    assert log == {"ok": True, "size": size, "release": "lisova-1", "tree_size": size}


def test_it_fails_when_a_signed_entry_was_rewritten(client: Client, released: Any) -> None:
    entry = LogEntry.objects.get(seq=1)
    LogEntry.objects.filter(pk=entry.pk).update(leaf=entry.leaf.replace("women", "men"))
    do_correct_site(Actor("a", "admin"), released, reason="r", authority="b", place="Izium")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["log"]["problem"] == (
        "the first 5 log entries do not give lisova-1's root"
    )


def test_it_fails_when_the_log_is_shorter_than_the_release(client: Client, released: Any) -> None:
    client.get("/healthz")
    LogHead.objects.update(size=2)
    body = client.get("/healthz").json()
    assert body["ok"] is False
    assert "fewer than release lisova-1 signed" in body["checks"]["log"]["problem"]


def test_it_lists_pending_migrations(
    client: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Pending:
        app_label, name = "audit", "0099_future"

    monkeypatch.setattr(health, "_migrated", False)
    monkeypatch.setattr(
        health.MigrationExecutor, "migration_plan", lambda self, targets: [(Pending(), False)]
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"]["pending"] == ["audit.0099_future"]


def test_it_answers_503_when_the_database_is_unreachable(
    client: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "CHECKS", {**health.CHECKS, "database": refuse})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": {"ok": False, "problem": "OperationalError"}}
