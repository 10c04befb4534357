"""Hostile input in the HTML forms: over-long text, control characters, invalid UTF-8, SQL and
HTML injection in every text field of the site form, absurd dates in every date field, and the
same in the staff filters and the login form. Never a 500; a refused form answers 400 naming
the field and writes nothing; what is accepted is shown escaped."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from exhume.casework.models import Site
from tests.web.builders import SLUG, Built

ADD_SITE = "/admin/casework/site/add/"
TEXT_FIELDS = ("name", "place", "part_of", "perpetrators", "crime_type", "description")
DATE_FIELDS = ("discovered_on", "exhumation_started_on", "exhumation_ended_on")
SCRIPT = "<script>alert(1)</script>"
HOSTILE_TEXT = {
    "html": f'Izium {SCRIPT}<img src=x onerror=alert(2)>"',
    "sql": "Izium'); DROP TABLE casework_site; --",
    "control": "Izium\x07\x1b[31m\u202e",
    "null": "Izium\x00",
    "long": "Ї" * 5_000,
}
ABSURD_DATES = ("99999-01-01", "2022-02-30", "0000-00-00", "-1", "2022-09-16T99:99", "' OR 1=1")


def baseline(slug: str) -> dict[str, str]:
    return {"name": "Fuzz site", "slug": slug, "place": "Izium, Ukraine", "latitude": "",
            "longitude": "", "part_of": "", "discovered_on": "", "exhumation_started_on": "",
            "exhumation_ended_on": "", "perpetrators": "", "crime_type": "",
            "description": ""}  # fmt: skip


@pytest.fixture
def admin(client: Client, db: None) -> Client:
    client.force_login(User.objects.create_superuser("fuzz-admin", "", "x"))
    return client


def _post(client: Client, data: dict[str, str]) -> Any:
    response = client.post(ADD_SITE, data)
    assert response.status_code < 500, response.content[:500]
    return response


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize("kind", sorted(HOSTILE_TEXT))
def test_a_hostile_text_field_is_refused_by_name_or_stored_and_shown_escaped(
    admin: Client, field: str, kind: str
) -> None:
    slug = f"fuzz-{field.replace('_', '-')}-{kind}"
    response = _post(admin, {**baseline(slug), field: HOSTILE_TEXT[kind]})
    site = Site.objects.filter(slug=slug).first()
    if site is None:
        assert response.status_code == 400
        html = response.content.decode()
        assert f'id="id_{field}"' in html and "errorlist" in html
        assert SCRIPT not in html
        return
    assert response.status_code == 302
    assert getattr(site, field) == HOSTILE_TEXT[kind].strip()
    for page in (f"/sites/{slug}/", "/"):
        html = admin.get(page).content.decode()
        assert SCRIPT not in html and "<img src=x" not in html
    Client().get(f"/sites/{slug}/")  # the cached anonymous page too
    assert SCRIPT not in Client().get(f"/sites/{slug}/").content.decode()


@pytest.mark.parametrize("field", DATE_FIELDS)
@pytest.mark.parametrize("value", ABSURD_DATES)
def test_an_absurd_date_is_refused_naming_the_field(admin: Client, field: str, value: str) -> None:
    slug = f"fuzz-date-{DATE_FIELDS.index(field)}"
    response = _post(admin, {**baseline(slug), field: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}"' in html and "Enter a valid date" in html
    assert not Site.objects.filter(slug=slug).exists()


def test_invalid_utf8_in_a_form_body_is_not_a_server_error(admin: Client) -> None:
    body = b"name=%FF%FEIzium&slug=fuzz-bytes&place=%C3%28"
    response = admin.post(ADD_SITE, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500


def test_an_absurd_coordinate_is_refused_naming_the_field(admin: Client) -> None:
    response = _post(admin, {**baseline("fuzz-coord"), "latitude": "1e309"})
    assert response.status_code == 400
    assert 'id="id_latitude"' in response.content.decode()


@pytest.mark.parametrize("value", [*HOSTILE_TEXT.values(), *ABSURD_DATES, "%FF"])
@pytest.mark.parametrize(
    "param", ["sex", "age_class", "status", "kind", "cause_of_death", "exhumed_on", "q", "torture"]
)
def test_the_staff_filters_never_fail_and_never_reflect_markup(
    client: Client, built: Built, param: str, value: str
) -> None:
    staff = User.objects.create_user("fuzz-staff")
    staff.groups.add(Group.objects.get(name="field"))
    client.force_login(staff)
    page = client.get(f"/staff/sites/{SLUG}/remains/", {param: value})
    assert page.status_code < 500
    assert SCRIPT not in page.content.decode(errors="replace")
    twin = client.get(f"/api/staff/sites/{SLUG}/remains", {param: value})
    assert twin.status_code < 500
    assert twin["Content-Type"] == "application/json; charset=utf-8"  # text, never markup
    assert twin["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("value", [*HOSTILE_TEXT.values(), "%FF"])
def test_the_login_form_refuses_hostile_input_without_failing(
    client: Client, db: None, value: str
) -> None:
    response = client.post("/accounts/login/", {"username": value, "password": value})
    assert response.status_code < 500
    assert SCRIPT not in response.content.decode()
