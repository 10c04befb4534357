"""The family portal in Chromium: a family reports a missing person without an account,
demo-liaison checks the report, and the family's private link shows its status and nothing
else (issue 12's "done when")."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from tests.browser.conftest import log_in
from tests.browser.test_maps_browser import save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-exhume"
PRIVATE = ("Оксана", "Коваль", "Андрій", "+380", "Ізюм", "синя куртка")


@pytest.fixture
def demo_liaison(transactional_db: None) -> None:
    from django.core.cache import cache

    cache.clear()
    User.objects.create_user("demo-liaison", password=PASSWORD).groups.add(
        Group.objects.get(name="liaison")
    )


def test_a_family_reports_liaison_checks_and_the_link_shows_only_the_status(
    live_server: Any, demo_liaison: None, new_page: Any
) -> None:
    family = new_page()
    family.goto(f"{live_server.url}/family/report/")
    assert family.locator("html").get_attribute("lang") == "uk"
    assert family.locator("h1").inner_text() == "Повідомити про зниклу людину"
    family.fill("#id_reporter_name", "Оксана Коваль")
    family.fill("#id_reporter_contact", "+380 50 000 0000")
    family.fill("#id_relationship", "мати")
    family.fill("#id_family_name", "Коваль")
    family.fill("#id_given_name", "Андрій")
    family.fill("#id_last_seen_place", "Ізюм")
    family.fill("#id_description", "синя куртка")
    assert family.locator("#id_website").bounding_box()["x"] < 0  # the honeypot: off-screen
    save(family, "family-report-form.png")
    family.click("button[type=submit]")
    reference = family.locator("#reference").inner_text()
    link = family.locator("#status-link").get_attribute("href")
    assert reference.startswith("ZV-") and "/family/status/" in link

    family.goto(link)
    steps = family.locator("ol.family-steps li")
    assert steps.count() == 4
    assert "чекає на перевірку" in steps.nth(0).inner_text()

    staff = new_page()
    log_in(staff, live_server.url, "demo-liaison", PASSWORD, "/staff/family-reports/")
    staff.click(f"text={reference}")
    staff.fill("#id_note", "called the mother")
    staff.click("button[value=verify]")
    staff.wait_for_selector("dd[data-state=verified]")

    family.goto(link)
    text = family.locator("main").inner_text()
    assert reference in text and "перевірено працівником зв’язку з родинами" in text
    assert [s.get_attribute("data-done") for s in steps.all()] == ["yes", "no", "no", "no"]
    assert not [word for word in PRIVATE if word in family.content()]
    save(family, "family-status.png")
    assert not family.errors
