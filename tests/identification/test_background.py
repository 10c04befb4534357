"""Runs started from the board: recorded as running at once, progress polled, complete or failed,
one at a time, and a run whose process died marked failed."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from exhume.errors import InvalidInputError
from exhume.identification import background
from exhume.identification.models import IdentificationRun, Proposal
from exhume.identification.progress import progress_path, write_progress
from exhume.identification.runs import execute_run, start_run
from exhume.kinship.dvijson import load_problem
from tests.identification.conftest import SYSTEM
from tests.identification.test_runs import _site_dna


def _user(name: str, role: str) -> User:
    user = User.objects.create_user(name, password="not-a-real-password")
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    user.user_permissions.add(Permission.objects.get(codename="view_proposal"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def planecrash_site(
    shared_data: Path, make_site: Any, make_person: Any, policy_in_force: Any, monkeypatch: Any
) -> Any:
    problem = load_problem(shared_data / "dvi-examples" / "planecrash.json")
    site, dna = _site_dna(problem, make_site, make_person)
    monkeypatch.setattr(background, "site_dna", lambda _site: dna)
    monkeypatch.setattr(background, "EXECUTOR", lambda work: work())  # inline, not a thread
    return site


def test_a_board_member_runs_identification_from_the_board(
    client: Client, planecrash_site: Any
) -> None:
    client.force_login(_user("member", "board"))
    board = client.get(f"/staff/sites/{planecrash_site.slug}/board/").content.decode()
    assert "Run identification" in board
    panel = client.post(f"/staff/sites/{planecrash_site.slug}/board/run/", HTTP_HX_REQUEST="true")
    html = panel.content.decode()
    assert panel.status_code == 200 and 'data-status="complete"' in html, html[:600]
    run = IdentificationRun.objects.get()
    assert run.status == "complete" and run.finished_at is not None and run.run_by == "member"
    assert Proposal.objects.count() == len(run.summary["proposals"]) >= 3
    assert "every 1s" not in html  # nothing left to poll
    status = client.get(f"/api/staff/sites/{planecrash_site.slug}/run-status").json()
    assert status["status"] == "complete" and status["proposals"] == Proposal.objects.count()
    assert [s["name"] for s in status["stages"] if s["state"] == "done"][:2] == [
        "records", "direct_matches"
    ]  # fmt: skip
    assert not progress_path(run.pk).exists()


def test_a_running_run_is_polled_with_its_stages(client: Client, planecrash_site: Any) -> None:
    run = start_run(SYSTEM, planecrash_site)
    write_progress(run.pk, {"records": 0.2, "direct_matches": 0.01})
    client.force_login(_user("analyst", "lab"))
    coded = client.get(f"/staff/sites/{planecrash_site.slug}/board/").content.decode()
    assert 'id="run-status"' in coded and "Run identification" in coded
    html = client.get(f"/staff/sites/{planecrash_site.slug}/board/run/status/").content.decode()
    assert 'hx-trigger="every 1s"' in html and 'data-status="running"' in html
    assert html.count('data-state="done"') == 2 and html.count('data-state="running"') == 1
    assert "disabled" in html
    status = client.get(f"/api/staff/sites/{planecrash_site.slug}/run-status").json()
    assert (status["status"], status["step"], status["steps"]) == ("running", 2, 9)


def test_a_second_run_of_a_site_is_refused_while_one_runs(
    client: Client, planecrash_site: Any
) -> None:
    first = start_run(SYSTEM, planecrash_site)
    with pytest.raises(InvalidInputError, match=f"run {first.pk} of this site is still running"):
        start_run(SYSTEM, planecrash_site)
    client.force_login(_user("member", "board"))
    html = client.post(
        f"/staff/sites/{planecrash_site.slug}/board/run/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "still running" in html and IdentificationRun.objects.count() == 1


def test_an_error_marks_the_run_failed_with_it(planecrash_site: Any) -> None:
    run = start_run(SYSTEM, planecrash_site)

    def broken() -> Any:
        raise RuntimeError("the profiles table is unreadable")

    with pytest.raises(RuntimeError):
        execute_run(SYSTEM, run, broken)
    run.refresh_from_db()
    assert run.status == "failed" and "the profiles table is unreadable" in run.error
    assert start_run(SYSTEM, planecrash_site).status == "running"  # the site is free again


def test_a_run_whose_process_died_is_marked_failed_when_the_board_looks(
    client: Client, planecrash_site: Any
) -> None:
    run = start_run(SYSTEM, planecrash_site)
    write_progress(run.pk, {"records": 0.2})
    old = time.time() - 3600
    os.utime(progress_path(run.pk), (old, old))
    IdentificationRun.objects.filter(pk=run.pk).update(
        started_at=run.started_at.replace(year=run.started_at.year - 1)
    )
    client.force_login(_user("member", "board"))
    html = client.get(f"/staff/sites/{planecrash_site.slug}/board/run/status/").content.decode()
    run.refresh_from_db()
    assert run.status == "failed" and "no progress for" in run.error
    assert 'data-status="failed"' in html and "every 1s" not in html


def test_family_liaison_cannot_start_a_run(client: Client, planecrash_site: Any) -> None:
    client.force_login(_user("liaison", "liaison"))
    response = client.post(f"/staff/sites/{planecrash_site.slug}/board/run/")
    assert response.status_code == 403 and IdentificationRun.objects.count() == 0


def test_the_board_lists_the_flags_of_the_latest_run_only(planecrash_site: Any) -> None:
    from exhume.identification.actions import FlagSpec, do_record_run
    from exhume.identification.models import Flag, PolicyRecord
    from exhume.identification.queries import flags

    policy = PolicyRecord.objects.get(in_force=True)

    def run(detail: str) -> Any:
        return do_record_run(
            SYSTEM, site=planecrash_site, policy=policy, parameters={"test": True},
            engine_version="test", inputs_sha256="0" * 64, pairs=[],
            flags=[FlagSpec("direct_match", detail)], summary={},
        )  # fmt: skip

    run("first run's flag")
    run("second run's flag")
    assert Flag.objects.count() == 2
    assert [f.detail for f in flags(planecrash_site)] == ["second run's flag"]


def test_the_stale_run_sweep_runs_only_when_the_latest_run_is_stale(
    client: Client, planecrash_site: Any, monkeypatch: Any
) -> None:
    from exhume.identification import actions

    swept: list[Any] = []
    sweep = actions.do_fail_stale_runs
    monkeypatch.setattr(actions, "do_fail_stale_runs", lambda *a: swept.append(a) or sweep(*a))
    run = start_run(SYSTEM, planecrash_site)
    write_progress(run.pk, {"records": 0.2})
    client.force_login(_user("member", "board"))
    status = f"/staff/sites/{planecrash_site.slug}/board/run/status/"
    assert 'data-status="running"' in client.get(status).content.decode()
    assert swept == []  # a live run: no durable transaction, no lock, on each poll
    old = time.time() - 3600
    os.utime(progress_path(run.pk), (old, old))
    IdentificationRun.objects.filter(pk=run.pk).update(
        started_at=run.started_at.replace(year=run.started_at.year - 1)
    )
    client.get(f"/staff/sites/{planecrash_site.slug}/board/?state=proposed", HTTP_HX_REQUEST="true")
    assert swept == []  # the rows swap shows no status
    assert 'data-status="failed"' in client.get(status).content.decode()
    assert len(swept) == 1 and IdentificationRun.objects.get().status == "failed"
