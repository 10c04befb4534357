"""The public map and the staff site plan in Chromium: drawn from GeoJSON, nothing requested
from any other host, each grave coloured by status and linked to its records."""

from __future__ import annotations

import os
import re
import shutil
from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from tests.browser.conftest import ARTIFACTS, SCREENSHOTS, log_in
from tests.web.builders import SLUG, build_sites

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


@pytest.fixture
def plotted(transactional_db: None) -> dict[str, int]:
    """The small sites, plus grave 118 (placed, empty) and 119 (placed, one body in it)."""
    from exhume.audit.events import Actor
    from exhume.casework.actions import do_record_grave, do_record_remains
    from exhume.casework.models import Site

    actor = Actor.system("tests")
    build_sites(actor)
    site = Site.objects.get(slug=SLUG)
    do_record_grave(actor, site=site, grave_number="118", latitude=49.21, longitude=37.25)
    full = do_record_grave(actor, site=site, grave_number="119", latitude=49.21003,
                           longitude=37.25004)  # fmt: skip
    body = do_record_remains(actor, site=site, case_number="PLAN-0001",
                             exhumed_on=site.exhumation_started_on, grave=full)  # fmt: skip
    User.objects.create_user("olha", password=PASSWORD).groups.add(Group.objects.get(name="field"))
    placed = Site.objects.filter(latitude__isnull=False, longitude__isnull=False).count()
    return {"sites": placed, "remains": body.pk}


def save(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    if os.environ.get("EXHUME_UPDATE_SCREENSHOT") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ARTIFACTS / name, SCREENSHOTS / name)


def markers(page: Any) -> int:
    page.wait_for_selector("#map[data-ready]")
    return int(page.locator(".leaflet-overlay-pane path.leaflet-interactive").count())


def test_the_public_map_draws_every_placed_site_offline(
    live_server: Any, plotted: dict[str, int], new_page: Any
) -> None:
    page = new_page()
    page.goto(f"{live_server.url}/map/")
    assert markers(page) == plotted["sites"] >= 1
    assert "Lisova Poliana forest cemetery" in page.locator(".leaflet-tooltip-pane").inner_text()
    assert page.locator(".leaflet-tile").count() == 0  # no tile server by default
    assert all(url.startswith(live_server.url) for url in page.requested), page.requested
    assert page.errors == []


def test_the_staff_site_plan_colours_graves_and_links_their_records(
    live_server: Any, plotted: dict[str, int], new_page: Any
) -> None:
    page = new_page()
    log_in(page, live_server.url, "olha", PASSWORD, f"/staff/sites/{SLUG}/plan/")
    assert markers(page) == 2
    fills = page.eval_on_selector_all(
        ".leaflet-overlay-pane path.leaflet-interactive",
        "els => els.map(e => e.getAttribute('fill'))",
    )
    assert sorted(fills) == ["#8c8c8c", "#e69f00"]  # not yet exhumed, exhumed
    assert page.locator('.count[data-status="exhumed"]').inner_text() == "(2)"  # 117 too
    assert page.locator(".unplaced").inner_text() == "1 graves have no recorded position."
    page.evaluate(
        "document.getElementById('map').exhumeLayer.eachLayer("
        "l => { if (l.feature.properties.number === '119') l.openPopup(); })"
    )
    popup = page.locator(".leaflet-popup-content")
    assert popup.locator("strong").inner_text() == "Grave 119"
    link = popup.get_by_role("link", name="remains PLAN-0001")
    assert link.get_attribute("href") == f"/staff/remains/{plotted['remains']}/"
    assert all(url.startswith(live_server.url) for url in page.requested), page.requested
    assert page.errors == []
    link.click()
    page.wait_for_url(re.compile(rf"/staff/remains/{plotted['remains']}/$"))


@pytest.fixture
def izium(transactional_db: None) -> None:
    from exhume.demo import build_demo
    from exhume.demo.identifications import build_demo_board

    build_demo(seed=2022)
    build_demo_board()  # as `exhume demo` does: the plan shows identified graves too
    User.objects.create_user("olha", password=PASSWORD).groups.add(Group.objects.get(name="field"))


@pytest.mark.slow
def test_the_demo_map_and_izium_plan_for_the_docs(
    live_server: Any, izium: None, new_page: Any
) -> None:
    """The demo's map and Izium plan (screenshots in docs/screenshots/ when
    EXHUME_UPDATE_SCREENSHOT=1)."""
    page = new_page(width=1280, height=900)
    page.goto(f"{live_server.url}/map/")
    assert markers(page) == 3
    save(page, "map-sites.png")
    log_in(page, live_server.url, "olha", PASSWORD, "/staff/sites/izium/plan/")
    assert markers(page) == 446
    save(page, "site-plan-izium.png")
    assert all(url.startswith(live_server.url) for url in page.requested), page.requested
    assert page.errors == []
