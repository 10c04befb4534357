"""The identification board in Chromium: a DNA analyst reviews, a second board member confirms,
the public count rises by one and no name reaches a public page (issue 11's "done when"); the
demo's board as the screenshot in docs/ (written there when EXHUME_UPDATE_SCREENSHOT=1)."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from tests.browser.conftest import ARTIFACTS, SCREENSHOTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-exhume"
NAME = ("Кривоніс", "Остапій", "Kryvonis", "Ostapii")


def _account(name: str, role: str) -> None:
    User.objects.create_user(name, password=PASSWORD).groups.add(Group.objects.get(name=role))


@pytest.fixture
def proposed(transactional_db: None) -> int:
    """A site of the web builders with one candidate pair proposed by a run; the proposal id."""
    from django.core.cache import cache

    from exhume.audit.events import Actor
    from exhume.evidence.policy import load_policy
    from exhume.families.actions import do_report_missing_person
    from exhume.identification.actions import PairEvidence, do_adopt_policy, do_record_run
    from exhume.identification.models import Proposal
    from tests.identification.conftest import assessment
    from tests.web.builders import build_sites

    cache.clear()
    system = Actor.system("tests")
    built = build_sites(system)
    person = do_report_missing_person(
        system, family_name=NAME[0], given_name=NAME[1], name_latin=f"{NAME[2]} {NAME[3]}",
        sex=built.first.sex,
    )  # fmt: skip
    policy = do_adopt_policy(system, policy=load_policy(), reason="the default")
    do_record_run(
        system, site=built.site, policy=policy, parameters={"test": True}, engine_version="test",
        inputs_sha256="0" * 64, pairs=[PairEvidence(built.first, person, assessment())],
        flags=[], summary={},
    )  # fmt: skip
    _account("demo-lab", "lab")
    _account("demo-board", "board")
    return Proposal.objects.get().pk


def _public_texts(page: Any, base: str, slug: str) -> str:
    out = []
    for path in ("/", f"/sites/{slug}/", "/api/sites", f"/api/sites/{slug}",
                 f"/api/sites/{slug}/stats", f"/api/sites/{slug}/releases"):  # fmt: skip
        page.goto(base + path)
        out.append(page.content())
    return "\n".join(out)


def test_an_analyst_reviews_a_second_member_confirms_and_the_public_count_rises(
    live_server: Any, proposed: int, new_page: Any
) -> None:
    from tests.web.builders import SLUG

    public = new_page()
    public.goto(f"{live_server.url}/sites/{SLUG}/")
    before = int(public.locator("[data-figure=identified]").inner_text())

    analyst = new_page()
    log_in(analyst, live_server.url, "demo-lab", PASSWORD, f"/staff/sites/{SLUG}/board/")
    analyst.goto(f"{live_server.url}/staff/proposals/{proposed}/")
    analyst.click("#do-review")
    analyst.wait_for_selector("#do-review", state="detached")

    member = new_page()
    log_in(member, live_server.url, "demo-board", PASSWORD, f"/staff/sites/{SLUG}/board/")
    assert NAME[0] in member.content()  # the board sees the name; the public never does
    member.goto(f"{live_server.url}/staff/proposals/{proposed}/")
    assert "Reviewed by" in member.content() and "demo-lab" in member.content()
    member.click("#do-confirm")
    member.wait_for_selector("#do-identify")
    assert member.locator("#state").inner_text() == "Confirmed by the board"

    public.goto(f"{live_server.url}/sites/{SLUG}/")
    assert int(public.locator("[data-figure=identified]").inner_text()) == before + 1
    texts = _public_texts(public, live_server.url, SLUG)
    assert not [word for word in NAME if word in texts]
    assert not (public.errors or analyst.errors or member.errors)


@pytest.fixture
def demo_board(transactional_db: None) -> None:
    """The synthetic demo with its board at work (runs, two signatures)."""
    from exhume.demo import build_demo
    from exhume.demo.identifications import build_demo_board

    build_demo(seed=2022)
    build_demo_board()
    _account("demo-board", "board")


@pytest.mark.slow
def test_the_demo_board_in_a_browser(live_server: Any, demo_board: None, new_page: Any) -> None:
    """The demo's Izium board: candidates, the run panel, flags; the docs' screenshot."""
    page = new_page(width=1280, height=1500)
    log_in(page, live_server.url, "demo-board", PASSWORD, "/staff/sites/izium/board/")
    assert page.locator("tr[data-proposal]").count() >= 200
    assert page.locator("#run-status[data-status=complete]").count() == 1
    assert "Burial journal disagrees with the DNA" in page.content()
    assert page.errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "identification-board.png"))
    if os.environ.get("EXHUME_UPDATE_SCREENSHOT") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ARTIFACTS / "identification-board.png",
                        SCREENSHOTS / "identification-board.png")  # fmt: skip
