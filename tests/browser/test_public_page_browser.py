"""The pages in a real browser: what a reader sees, offline, and the staff filters with HTMX."""

from __future__ import annotations

import json
import os
import re
import shutil
from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from tests.browser.conftest import ARTIFACTS, SCREENSHOTS
from tests.web.builders import EXPECTED, SLUG, build_sites

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def small_sites(transactional_db: None) -> None:
    build_sites()


@pytest.fixture
def staff_user(small_sites: None) -> str:
    """A field-team account, created before the browser starts; its password."""
    user = User.objects.create_user("olha", password="a-long-test-password")
    user.groups.add(Group.objects.get_or_create(name="field")[0])
    return "a-long-test-password"


def breakdown_text(page: Any) -> list[str]:
    """The breakdown legend as the reader sees it, one "figure label" string per group."""
    items = page.locator("ul.breakdown li")
    return [
        " ".join(items.nth(i).locator(sel).inner_text() for sel in (".figure", ".label"))
        for i in range(items.count())
    ]


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_the_public_page_shows_the_headline_and_the_breakdown(
    live_server: Any, small_sites: None, new_page: Any
) -> None:
    """One browser for the desktop page, its JSON link and the phone layout."""
    page = new_page()
    page.goto(f"{live_server.url}/sites/{SLUG}/")
    assert page.locator(".headline").inner_text() == "15 killed"
    assert breakdown_text(page) == [
        "5 women", "4 men", "3 sex undetermined", "2 children", "1 servicemen"
    ]  # fmt: skip
    assert page.locator(".synthetic-banner").is_visible()
    assert page.locator(".infobox caption").inner_text() == "Lisova Poliana forest cemetery"
    assert page.locator("svg.chart rect.bar").count() == 3
    screenshot(page, "public-site-fixture.png")

    page.get_by_role("link", name="This page as JSON").click()
    data = json.loads(page.locator("body").inner_text())
    assert {k: data["summary"][k] for k in EXPECTED} == EXPECTED

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/sites/{SLUG}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    infobox, headline = (
        page.locator(".infobox").bounding_box(),
        page.locator(".headline").bounding_box(),
    )
    assert infobox["width"] > 300  # full width, not floated beside the text
    assert headline["y"] < infobox["y"]  # on a phone the headline comes first
    screenshot(page, "public-site-phone.png")

    assert all(url.startswith(live_server.url) for url in page.requested), page.requested
    assert page.errors == []


def test_the_remains_filters_update_the_table_with_htmx(
    live_server: Any, staff_user: str, new_page: Any
) -> None:
    from playwright.sync_api import expect

    page = new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/staff/sites/{SLUG}/remains/")
    page.fill("#id_username", "olha")
    page.fill("#id_password", staff_user)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/sites/lisova/remains/$"))
    assert page.locator("#remains-count").inner_text() == "17"
    page.select_option("#f-sex", "female")
    # Playwright's expect polls without evaluating a string, which the page's CSP forbids.
    expect(page.locator("#remains-count")).to_have_text("6")
    assert page.locator("#remains-rows tr").count() == 6
    assert (
        page.url.endswith(
            "sex=female&age_class=&status=&kind=&cause_of_death=&violent_death=&torture=&exhumed_on="
        )
        or "sex=female" in page.url
    )
    href = page.locator("#remains-json").get_attribute("href")
    assert href is not None and "sex=female" in href
    page.select_option("#f-torture", "yes")
    expect(page.locator("#remains-count")).to_have_text("3")
    assert page.errors == []
    screenshot(page, "staff-remains.png")


@pytest.fixture
def izium(transactional_db: None) -> None:
    """The synthetic demo (Izium and two more sites), built through the actions."""
    from exhume.demo import build_demo

    build_demo(seed=2022)


@pytest.mark.slow
def test_the_izium_demo_page_in_a_browser(live_server: Any, izium: None, new_page: Any) -> None:
    """The demo's Izium page shows the published figures; its screenshot is the README's
    (written to docs/screenshots/ when EXHUME_UPDATE_SCREENSHOT=1)."""
    page = new_page(width=1280, height=900)
    page.goto(f"{live_server.url}/sites/izium/")
    assert page.locator(".headline").inner_text() == "447 killed"
    assert breakdown_text(page) == [
        "215 women", "194 men", "11 sex undetermined", "5 children", "22 servicemen"
    ]  # fmt: skip
    assert page.errors == []
    screenshot(page, "public-site.png")
    if os.environ.get("EXHUME_UPDATE_SCREENSHOT") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ARTIFACTS / "public-site.png", SCREENSHOTS / "public-site.png")
