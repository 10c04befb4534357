"""The board pages and their JSON twins: permission, the sign-off walk, the report's hash."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from exhume.identification.models import Decision, Proposal
from tests.identification.conftest import assessment


def _user(name: str, role: str) -> User:
    user = User.objects.create_user(name, password="not-a-real-password")
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    user.user_permissions.add(Permission.objects.get(codename="view_proposal"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def proposal(make_site: Any, make_remains: Any, make_person: Any, record_run: Any) -> Proposal:
    site = make_site("lisova")
    remains, person = make_remains(site), make_person("Кривоніс", given_name="Остапій")
    record_run(site, [(remains, person, assessment())])
    return Proposal.objects.get()


def test_the_board_needs_the_permission_to_see_proposals(
    client: Client, proposal: Proposal
) -> None:
    url = "/staff/sites/lisova/board/"
    assert client.get(url).status_code == 302
    client.force_login(User.objects.create_user("nobody", password="x-not-real"))
    assert client.get(url).status_code == 403
    assert client.get("/api/staff/sites/lisova/board").status_code == 403


def test_an_analyst_reviews_and_another_board_member_confirms_through_the_pages(
    client: Client, proposal: Proposal
) -> None:
    analyst, member = _user("analyst", "lab"), _user("member", "board")
    client.force_login(analyst)
    page = client.get("/staff/sites/lisova/board/").content.decode()
    assert "Кривоніс" not in page and proposal.remains.case_number not in page  # blind
    assert client.post(f"/staff/proposals/{proposal.pk}/review/").status_code == 302
    denied = client.post(f"/staff/proposals/{proposal.pk}/confirm/")
    assert denied.status_code == 403 and "board member" in denied.content.decode()
    client.force_login(member)
    assert client.post(f"/staff/proposals/{proposal.pk}/confirm/").status_code == 302
    assert client.post(f"/staff/proposals/{proposal.pk}/identify/").status_code == 302
    done = Proposal.objects.get(pk=proposal.pk)
    assert (done.state, done.reviewed_by, done.confirmed_by) == ("identified", "analyst", "member")
    report = client.get(f"/staff/proposals/{proposal.pk}/report/").content
    issued = Decision.objects.get(proposal=proposal, step="identify")
    assert hashlib.sha256(report).hexdigest() == issued.evidence["report_sha256"]
    assert b"DRAFT" not in report and b"analyst" in report and b"member" in report


def test_a_member_who_reviewed_cannot_confirm_through_the_page(
    client: Client, proposal: Proposal
) -> None:
    both = _user("both", "lab")
    client.force_login(both)
    client.post(f"/staff/proposals/{proposal.pk}/review/")
    assert Proposal.objects.get(pk=proposal.pk).state == "reviewed"
    # the same person, now a board member (an account holds one role at a time: exhume.access)
    both.groups.set([Group.objects.get_or_create(name="board")[0]])
    response = client.post(f"/staff/proposals/{proposal.pk}/confirm/")
    assert response.status_code == 403 and "cannot also confirm" in response.content.decode()


def test_the_json_twins_give_the_factor_table_and_the_decisions(
    client: Client, proposal: Proposal
) -> None:
    client.force_login(_user("reader", "board"))
    board = client.get("/api/staff/sites/lisova/board").json()
    assert board["proposals"][0]["remains"] == proposal.remains.case_number
    detail = client.get(f"/api/staff/proposals/{proposal.pk}").json()
    assert [r["name"] for r in detail["table"]] == ["prior", "dna", "posterior"]
    assert detail["decisions"][0]["step"] == "propose"
    run = client.get(f"/api/staff/runs/{proposal.run_id}").json()
    assert run["proposals"][0]["status"] == "proposed"


def test_the_board_filters_by_state_with_htmx(client: Client, proposal: Proposal) -> None:
    client.force_login(_user("reader", "board"))
    rows = client.get("/staff/sites/lisova/board/?state=confirmed", HTTP_HX_REQUEST="true")
    assert b"No candidates." in rows.content and b"<html" not in rows.content


def test_the_dna_analyst_reviews_blind_on_coded_pages(client: Client, proposal: Proposal) -> None:
    from exhume.access.coding import code_for

    client.force_login(_user("analyst", "lab"))
    remains = code_for("casework.remains", proposal.remains_id)
    person = code_for("families.missingperson", proposal.missing_person_id)
    secrets = ("Кривоніс", "Остапій", proposal.remains.case_number)
    for url in (
        "/staff/sites/lisova/board/",
        f"/staff/proposals/{proposal.pk}/",
        f"/staff/proposals/{proposal.pk}/report/",
        "/api/staff/sites/lisova/board",
        f"/api/staff/proposals/{proposal.pk}",
        f"/api/staff/runs/{proposal.run_id}",
    ):
        body = client.get(url).content.decode()
        assert remains in body and person in body, url
        assert not [s for s in secrets if s in body], url
    detail = client.get(f"/api/staff/proposals/{proposal.pk}").json()
    assert detail["per_marker_log10_lr"] == proposal.evidence.get("per_marker_log10_lr", {})
    assert client.post(f"/staff/proposals/{proposal.pk}/review/").status_code == 302
    refused = client.post(f"/staff/proposals/{proposal.pk}/confirm/").content.decode()
    assert "board member" in refused and "Кривоніс" not in refused


def test_family_liaison_sees_a_decision_only_once_the_person_is_identified(
    client: Client, proposal: Proposal
) -> None:
    from exhume.identification.actions import do_confirm, do_review
    from tests.identification.conftest import ANALYST, BOARD

    client.force_login(_user("liaison", "liaison"))
    board = client.get("/staff/sites/lisova/board/").content.decode()
    assert "Кривоніс" not in board and "No candidates." in board
    assert client.get(f"/staff/proposals/{proposal.pk}/").status_code == 404
    assert client.get(f"/api/staff/proposals/{proposal.pk}").status_code == 404
    assert client.get("/api/staff/sites/lisova/board").json()["proposals"] == []
    assert client.get(f"/api/staff/runs/{proposal.run_id}").status_code == 403
    do_confirm(BOARD, do_review(ANALYST, proposal))
    page = client.get(f"/staff/proposals/{proposal.pk}/").content.decode()
    assert "Кривоніс" in page and 'id="do-identify"' not in page
    assert [p["id"] for p in client.get("/api/staff/sites/lisova/board").json()["proposals"]] == [
        proposal.pk
    ]
    assert client.post(f"/staff/proposals/{proposal.pk}/identify/").status_code == 403


def _signed(proposal: Proposal) -> Proposal:
    from exhume.identification.actions import do_confirm, do_review
    from tests.identification.conftest import ANALYST, BOARD

    return do_confirm(BOARD, do_review(ANALYST, proposal))


def test_family_liaison_records_the_notification_then_the_release(
    client: Client, proposal: Proposal
) -> None:
    from exhume.identification.models import Notification, RemainsRelease

    signed = _signed(proposal)
    client.force_login(_user("liaison", "liaison"))
    url = f"/staff/proposals/{signed.pk}/after/"
    early = client.post(url + "release/", {"released_on": "2022-11-02", "released_to": "O. K.",
                                           "relationship": "mother"})  # fmt: skip
    assert early.status_code == 400 and "has not been told yet" in early.content.decode()
    told = {"notified_on": "2022-11-01", "method": "in_person", "family_member": "mother"}
    assert client.post(url + "notification/", told).status_code == 302
    before = {"released_on": "2022-10-30", "released_to": "O. K.", "relationship": "mother"}
    assert client.post(url + "release/", before).status_code == 400
    done = {"released_on": "2022-11-03", "released_to": "O. K.", "relationship": "mother",
            "document": "act 12/2022"}  # fmt: skip
    assert client.post(url + "release/", done).status_code == 302
    page = client.get(f"/staff/proposals/{signed.pk}/").content.decode()
    assert "custody of the remains ends here" in page and "act 12/2022" in page
    assert "do-release" not in page
    again = client.post(url + "release/", done)
    assert again.status_code == 400 and "already released" in again.content.decode()
    n, r = Notification.objects.get(), RemainsRelease.objects.get()
    assert (n.notified_by, n.method, r.released_by, r.remains_id) == (
        "liaison", "in_person", "liaison", signed.remains_id
    )  # fmt: skip
    data = client.get(f"/api/staff/proposals/{signed.pk}").json()
    assert data["release"]["released_on"] == "2022-11-03" and len(data["notifications"]) == 1


def test_only_family_liaison_records_after_the_decision_and_only_when_signed(
    client: Client, proposal: Proposal
) -> None:
    told = {"notified_on": "2022-11-01", "method": "telephone", "family_member": "son"}
    client.force_login(_user("member", "board"))
    refused = client.post(f"/staff/proposals/{proposal.pk}/after/notification/", told)
    assert refused.status_code in (400, 403)
    signed = _signed(proposal)
    denied = client.post(f"/staff/proposals/{signed.pk}/after/notification/", told)
    assert denied.status_code == 403 and "family liaison" in denied.content.decode()


def test_the_proposal_page_draws_the_family_with_the_body_placed(
    client: Client, proposal: Proposal
) -> None:
    from exhume.dna.pedigree_actions import do_add_relative, do_create_family
    from tests.identification.conftest import SYSTEM

    family = do_create_family(SYSTEM, site=proposal.remains.site, name="F-1",
                              missing_person=proposal.missing_person)  # fmt: skip
    do_add_relative(SYSTEM, family=family, label="Mo", sex="female", relationship="mother",
                    relative_of=proposal.missing_person)  # fmt: skip
    client.force_login(_user("member", "board"))
    page = client.get(f"/staff/proposals/{proposal.pk}/").content.decode()
    assert "<svg" in page and f"= {proposal.remains.case_number}" in page
    assert 'data-member="Mo"' in page


def test_the_coded_run_report_lists_a_candidate_a_rerun_left_unchanged(
    client: Client, proposal: Proposal, record_run: Any
) -> None:
    from exhume.access.coding import code_for

    rerun = record_run(proposal.remains.site, [(proposal.remains, proposal.missing_person,
                                                assessment())])  # fmt: skip
    assert Proposal.objects.get().run_id == proposal.run_id != rerun.pk  # left on its old run
    client.force_login(_user("analyst", "lab"))
    coded = client.get(f"/api/staff/runs/{rerun.pk}").json()
    client.force_login(_user("reader", "board"))
    full = client.get(f"/api/staff/runs/{rerun.pk}").json()
    remains = code_for("casework.remains", proposal.remains_id)
    assert [p["remains"] for p in coded["proposals"]] == [remains]
    assert len(coded["proposals"]) == len(full["proposals"]) == 1


def test_the_proposal_json_twin_draws_no_pedigree(
    client: Client, proposal: Proposal, monkeypatch: Any
) -> None:
    from exhume.identification import queries

    def drawn(_p: Proposal) -> str:
        raise AssertionError("the JSON twin rendered the pedigree drawing")

    client.force_login(_user("reader", "board"))
    full = client.get(f"/api/staff/proposals/{proposal.pk}").json()
    monkeypatch.setattr(queries, "pedigree_svg", drawn)
    assert client.get(f"/api/staff/proposals/{proposal.pk}").json() == full
    assert full["notifications"] == [] and full["release"] is None
