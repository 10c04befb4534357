"""Staff pages: login required, the journal by permission, remains filters with HTMX."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.web.builders import PERSONAL, SLUG, Built

STAFF_PAGES = [
    "/staff/",
    f"/staff/sites/{SLUG}/graves/",
    f"/staff/sites/{SLUG}/journal/",
    f"/staff/sites/{SLUG}/remains/",
]
STAFF_API = [
    "/api/staff/sites",
    f"/api/staff/sites/{SLUG}/graves",
    f"/api/staff/sites/{SLUG}/journal",
    f"/api/staff/sites/{SLUG}/remains",
]


def remains_rows(html: str) -> int:
    return len(re.findall(r'data-remains="\d+"', html))


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_send_anonymous_visitors_to_login(
    client: Client, built: Built, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_a_remains_record_sends_anonymous_visitors_to_login(client: Client, built: Built) -> None:
    response = client.get(f"/staff/remains/{built.first.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", [*STAFF_API, "/api/staff/remains/1"])
def test_the_staff_api_answers_401_to_anonymous_callers(
    client: Client, built: Built, path: str
) -> None:
    assert client.get(path).status_code == 401


def test_the_journal_page_is_refused_without_the_permission(
    staff_client: Client, built: Built
) -> None:
    response = staff_client.get(f"/staff/sites/{SLUG}/journal/")
    assert response.status_code == 403
    assert PERSONAL["journal_name"] not in response.content.decode()
    assert "Not allowed" in response.content.decode()


def test_the_journal_api_is_refused_without_the_permission(
    staff_client: Client, built: Built
) -> None:
    response = staff_client.get(f"/api/staff/sites/{SLUG}/journal")
    assert response.status_code == 403
    assert response.json()["error"] == "AccessDeniedError"


def test_the_journal_page_shows_names_to_those_allowed(
    journal_client: Client, built: Built
) -> None:
    response = journal_client.get(f"/staff/sites/{SLUG}/journal/")
    html = response.content.decode()
    assert response.status_code == 200
    assert PERSONAL["journal_name"] in html
    assert f'href="/api/staff/sites/{SLUG}/journal"' in html


def test_the_journal_link_is_hidden_from_staff_without_the_permission(
    staff_client: Client, built: Built
) -> None:
    html = staff_client.get(f"/staff/sites/{SLUG}/remains/").content.decode()
    assert f"/staff/sites/{SLUG}/journal/" not in html


def test_the_graves_page_lists_graves_with_their_json_twin(
    staff_client: Client, built: Built
) -> None:
    html = staff_client.get(f"/staff/sites/{SLUG}/graves/").content.decode()
    assert PERSONAL["inscription"] in html
    assert f'href="/api/staff/sites/{SLUG}/graves"' in html


@pytest.mark.parametrize(
    ("query", "rows"),
    [
        ({}, 17),
        ({"sex": "female"}, 6),
        ({"age_class": "child"}, 2),
        ({"status": "serviceman"}, 1),
        ({"kind": "body_part"}, 2),
        ({"cause_of_death": "gunshot"}, 9),
        ({"violent_death": "no"}, 2),
        ({"torture": "yes"}, 6),
        ({"torture": "no"}, 11),
        ({"exhumed_on": "2022-09-18"}, 5),
        ({"sex": "male", "torture": "yes"}, 3),
        ({"sex": "", "torture": ""}, 17),
    ],
)
def test_the_remains_filters_select_the_matching_rows(
    staff_client: Client, built: Built, query: dict[str, str], rows: int
) -> None:
    html = staff_client.get(f"/staff/sites/{SLUG}/remains/", query).content.decode()
    assert remains_rows(html) == rows
    assert f'<span id="remains-count">{rows}</span>' in html


def test_the_filter_form_keeps_the_chosen_values(staff_client: Client, built: Built) -> None:
    html = staff_client.get(
        f"/staff/sites/{SLUG}/remains/", {"sex": "male", "torture": "yes"}
    ).content.decode()
    assert '<option value="male" selected>' in html
    assert '<option value="yes" selected>' in html
    assert f'hx-get="/staff/sites/{SLUG}/remains/" hx-target="#remains-rows"' in html
    assert '<script src="/static/exhume/htmx.min.js" defer></script>' in html


def test_an_htmx_request_gets_only_the_rows_and_the_new_count(
    staff_client: Client, built: Built
) -> None:
    response = staff_client.get(
        f"/staff/sites/{SLUG}/remains/", {"sex": "female"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert html.lstrip().startswith("<tr ")
    assert remains_rows(html) == 6
    assert '<span id="remains-count" hx-swap-oob="true">6</span>' in html
    assert f'href="/api/staff/sites/{SLUG}/remains?sex=female"' in html


def test_an_htmx_request_with_no_match_says_so(staff_client: Client, built: Built) -> None:
    html = staff_client.get(
        f"/staff/sites/{SLUG}/remains/",
        {"status": "serviceman", "sex": "female"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert remains_rows(html) == 0
    assert "No remains match these filters." in html


def test_the_remains_record_page_shows_the_record_and_its_history(
    staff_client: Client, built: Built
) -> None:
    html = staff_client.get(f"/staff/remains/{built.first.pk}/").content.decode()
    for key in ("personal_effects", "distinguishing_marks", "notes"):
        assert PERSONAL[key] in html
    assert "LP-2022-0001" in html
    assert "LP-2022-P001" in html  # the body part tied to this body
    assert "<td>create</td>" in html
    assert "<dd>Bound hands</dd>" in html


@pytest.mark.parametrize(
    "path",
    ["/staff/sites/nowhere/graves/", "/staff/sites/nowhere/remains/", "/staff/remains/999999/"],
)
def test_an_unknown_site_or_record_is_not_found_for_staff(
    staff_client: Client, built: Built, path: str
) -> None:
    assert staff_client.get(path).status_code == 404


def test_the_login_page_logs_staff_in_and_out(client: Client, built: Built) -> None:
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("mykola", password="a-long-test-password")
    user.groups.add(Group.objects.get(name="morgue"))
    assert "Staff login" in client.get("/accounts/login/").content.decode()
    response = client.post(
        "/accounts/login/",
        {"username": "mykola", "password": "a-long-test-password", "next": "/staff/"},
    )
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert "Log out mykola" in client.get("/staff/").content.decode()
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/staff/").status_code == 302


def test_a_wrong_password_is_reported(client: Client, built: Built) -> None:
    html = client.post("/accounts/login/", {"username": "x", "password": "y"}).content.decode()
    assert "did not match" in html


def test_a_malformed_date_filter_is_reported_and_not_applied(
    staff_client: Client, built: Built
) -> None:
    response = staff_client.get(f"/staff/sites/{SLUG}/remains/", {"exhumed_on": "16.09.2022"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "exhumed_on=&#x27;16.09.2022&#x27; is not a date (YYYY-MM-DD)" in html
    assert remains_rows(html) == 17
