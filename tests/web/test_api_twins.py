"""Every page has a JSON twin that gives the same figures and rows."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.web.builders import EXPECTED, RUNNING, SLUG, Built
from tests.web.conftest import figures


def test_the_site_json_gives_the_figures_the_page_shows(client: Client, built: Built) -> None:
    page = figures(client.get(f"/sites/{SLUG}/").content.decode())
    data = client.get(f"/api/sites/{SLUG}").json()
    summary = data["summary"]
    for name in ("total", "women", "men", "sex_undetermined", "children", "servicemen"):
        assert summary[name] == page[name] == EXPECTED[name], name
    assert summary["with_torture_signs"] == page["with_torture_signs"] == 6
    assert summary["violent_death"] == page["violent_death"] == 9
    assert summary["body_parts_unassociated"] == 1
    assert summary["violent_death_share"] == 0.6
    assert summary["running"] == RUNNING
    assert data["headline"] == "15 killed"
    assert data["is_synthetic"] is True
    assert [o["slug"] for o in data["explore_more"]] == ["kamianka"]


def test_the_stats_json_is_the_summary_of_the_site_json(client: Client, built: Built) -> None:
    stats = client.get(f"/api/sites/{SLUG}/stats").json()
    assert stats == client.get(f"/api/sites/{SLUG}").json()["summary"]


def test_the_json_twins_honour_as_of_like_the_page(client: Client, built: Built) -> None:
    page = figures(client.get(f"/sites/{SLUG}/", {"as_of": "2022-09-17"}).content.decode())
    stats = client.get(f"/api/sites/{SLUG}/stats", {"as_of": "2022-09-17"}).json()
    assert stats["total"] == page["total"] == 11
    assert stats["as_of"] == "2022-09-17"


def test_the_sites_json_gives_the_home_page_cards(client: Client, built: Built) -> None:
    html = client.get("/").content.decode()
    cards = client.get("/api/sites").json()
    assert [(c["slug"], c["total"]) for c in cards] == [("kamianka", 2), ("lisova", 15)]
    shown = re.findall(
        r'href="/sites/([a-z-]+)/">\s*<span class="card-total"><span class="card-number">(\d+)',
        html,
    )
    assert [(slug, int(n)) for slug, n in shown] == [("kamianka", 2), ("lisova", 15)]


def test_an_unknown_site_is_a_json_404_naming_the_known_ones(client: Client, built: Built) -> None:
    response = client.get("/api/sites/nowhere")
    assert response.status_code == 404
    assert response.json() == {
        "error": "NotFoundError",
        "message": "no site with slug 'nowhere' (known: kamianka, lisova)",
        "field": "site",
        "row": None,
    }


def test_the_staff_graves_json_lists_the_rows_of_the_page(
    staff_client: Client, built: Built
) -> None:
    html = staff_client.get(f"/staff/sites/{SLUG}/graves/").content.decode()
    rows = staff_client.get(f"/api/staff/sites/{SLUG}/graves").json()
    assert [r["grave_number"] for r in rows] == ["117"]
    assert html.count("data-grave=") == len(rows) == 1


def test_the_staff_remains_json_applies_the_same_filters(
    staff_client: Client, built: Built
) -> None:
    query = {"sex": "male", "torture": "yes"}
    html = staff_client.get(f"/staff/sites/{SLUG}/remains/", query).content.decode()
    rows = staff_client.get(f"/api/staff/sites/{SLUG}/remains", query).json()
    shown = re.findall(r'data-remains="(\d+)"', html)
    assert [int(pk) for pk in shown] == [r["id"] for r in rows]
    assert len(rows) == 3
    assert f'href="/api/staff/sites/{SLUG}/remains?sex=male&amp;torture=yes"' in html


def test_the_staff_record_json_has_what_the_record_page_shows(
    staff_client: Client, built: Built
) -> None:
    pk = built.first.pk
    html = staff_client.get(f"/staff/remains/{pk}/").content.decode()
    record = staff_client.get(f"/api/staff/remains/{pk}").json()
    assert record["case_number"] == "LP-2022-0001"
    assert record["personal_effects"] in html
    assert record["torture_indicators"] == ["bound_hands"]
    assert f'href="/api/staff/remains/{pk}"' in html


def test_the_staff_sites_json_lists_the_sites_of_the_staff_index(
    staff_client: Client, built: Built
) -> None:
    html = staff_client.get("/staff/").content.decode()
    rows = staff_client.get("/api/staff/sites").json()
    assert [r["slug"] for r in rows] == ["kamianka", "lisova"]
    assert 'href="/api/staff/sites"' in html
    assert "Lisova Poliana forest cemetery" in html and "Kamianka yard graves" in html


def test_the_journal_json_gives_the_names_to_those_allowed(
    journal_client: Client, built: Built
) -> None:
    rows = journal_client.get(f"/api/staff/sites/{SLUG}/journal").json()
    assert [(r["grave_number"], r["name_as_written"]) for r in rows] == [
        ("117", "Ґалаґан Мирослава Тарасівна")
    ]


def test_the_openapi_schema_lists_every_endpoint(client: Client) -> None:
    paths = set(client.get("/api/openapi.json").json()["paths"])
    assert paths >= {
        "/api/sites",
        "/api/sites/{slug}",
        "/api/sites/{slug}/stats",
        "/api/staff/sites",
        "/api/staff/sites/{slug}/graves",
        "/api/staff/sites/{slug}/journal",
        "/api/staff/sites/{slug}/remains",
        "/api/staff/remains/{remains_id}",
    }


def test_the_remains_json_refuses_a_malformed_date(staff_client: Client, built: Built) -> None:
    response = staff_client.get(f"/api/staff/sites/{SLUG}/remains", {"exhumed_on": "bad"})
    assert response.status_code == 400
    assert response.json() == {
        "error": "InvalidInputError",
        "message": "exhumed_on='bad' is not a date (YYYY-MM-DD)",
        "field": "exhumed_on",
        "row": None,
    }


@pytest.mark.django_db
def test_a_malformed_query_parameter_gets_the_exhume_error_shape(client: Any) -> None:
    response = client.get("/api/sites/anything/stats?as_of=not-a-date")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "InvalidInputError"
    assert body["field"] == "as_of"


@pytest.mark.django_db
def test_the_api_docs_page_uses_local_files_not_a_cdn(client: Any) -> None:
    html = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui" in html
    assert "cdn" not in html.lower()
