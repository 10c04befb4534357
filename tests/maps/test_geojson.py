"""GeoJSON of sites (public) and graves (staff), and the map pages that draw them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from tests.web.builders import PERSONAL, SLUG, build_sites

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites() -> Any:
    return build_sites()


@pytest.fixture
def staff(client: Client, sites: Any) -> Client:
    user = User.objects.create_user("olha", password="a-long-test-password")
    user.groups.add(Group.objects.get(name="field"))  # a role that sees graves (exhume.access)
    client.force_login(user)
    return client


def test_sites_are_points_in_longitude_latitude_order_with_their_published_total(
    client: Client, sites: Any
) -> None:
    response = client.get("/api/sites.geojson")
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    (lisova,) = [f for f in data["features"] if f["id"] == SLUG]
    assert lisova["geometry"] == {"type": "Point", "coordinates": [37.25, 49.21]}
    assert lisova["properties"]["total"] == 15
    assert lisova["properties"]["url"] == f"/sites/{SLUG}/"


def test_the_public_map_and_its_geojson_carry_no_personal_data(client: Client, sites: Any) -> None:
    for path in ("/map/", "/api/sites.geojson"):
        body = client.get(path).content.decode()
        assert [v for v in PERSONAL.values() if v in body] == []


def test_the_map_pages_hold_no_inline_script(staff: Client) -> None:
    for path in ("/map/", f"/staff/sites/{SLUG}/plan/"):
        html = staff.get(path).content.decode()
        scripts = html.split("<script")[1:]
        assert scripts and all(s.lstrip().startswith("src=") for s in scripts), path
        assert "http://" not in html.split("<main")[1] and "https://" not in html.split("<main")[1]


def test_the_graves_need_a_login(client: Client, sites: Any) -> None:
    assert client.get(f"/api/staff/sites/{SLUG}/graves.geojson").status_code == 401
    assert client.get(f"/staff/sites/{SLUG}/plan/").status_code == 302


def test_graves_carry_number_kind_status_and_links_to_what_was_found(staff: Client) -> None:
    from exhume.audit.events import Actor
    from exhume.casework.actions import do_record_grave
    from exhume.casework.models import Site

    site = Site.objects.get(slug=SLUG)
    do_record_grave(Actor.system("t"), site=site, grave_number="200", latitude=49.2, longitude=37.2)
    data = json.loads(staff.get(f"/api/staff/sites/{SLUG}/graves.geojson").content)
    assert data["unplaced"] == 1  # grave 117 has no position
    assert data["statuses"] == {"not_exhumed": 1, "exhumed": 1, "sampled": 0, "identified": 0}
    (grave,) = data["features"]
    assert grave["geometry"]["coordinates"] == [37.2, 49.2]
    assert grave["properties"] == {"number": "200", "kind": "individual",
                                   "status": "not_exhumed", "remains": []}  # fmt: skip


def test_status_sources_move_a_grave_to_sampled_or_identified(
    staff: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exhume.casework.models import Grave, Site
    from exhume.maps import queries

    site = Site.objects.get(slug=SLUG)
    grave = Grave.objects.get(site=site, grave_number="117")
    monkeypatch.setitem(queries.STATUS_SOURCES, "sampled", lambda s: {grave.pk})
    assert queries.grave_statuses(site, [grave]) == {grave.pk: "sampled"}
    monkeypatch.setitem(queries.STATUS_SOURCES, "identified", lambda s: {grave.pk})
    assert queries.grave_statuses(site, [grave]) == {grave.pk: "identified"}


def test_an_unknown_site_plan_is_404(staff: Client) -> None:
    assert staff.get("/staff/sites/nowhere/plan/").status_code == 404
    assert staff.get("/api/staff/sites/nowhere/graves.geojson").status_code == 404


@pytest.mark.parametrize(
    "value",
    ["tiles.example/{z}/{x}/{y}.png", "https://tiles.example/{z}/{x}.png", "ftp://x/{z}/{x}/{y}"],
)
def test_a_bad_tile_server_setting_names_the_variable(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exhume import config
    from exhume.errors import ConfigurationError

    monkeypatch.setenv("EXHUME_MAP_TILES", value)
    with pytest.raises(ConfigurationError, match="EXHUME_MAP_TILES="):
        config.map_tiles()


def test_a_configured_tile_server_reaches_the_page(staff: Client, settings: Any) -> None:
    settings.EXHUME_MAP_TILES = "https://tiles.example/{z}/{x}/{y}.png"
    html = staff.get("/map/").content.decode()
    assert 'data-tiles="https://tiles.example/{z}/{x}/{y}.png"' in html


def test_the_policy_allows_the_tile_servers_images_only_when_one_is_set() -> None:
    from exhume.project.middleware import CONTENT_SECURITY_POLICY, with_tile_server

    assert with_tile_server(CONTENT_SECURITY_POLICY, "") == CONTENT_SECURITY_POLICY
    policy = with_tile_server(CONTENT_SECURITY_POLICY, "https://{s}.tiles.example/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://*.tiles.example;" in policy


def test_a_sample_and_a_signed_identification_move_graves_on_the_plan(staff: Client) -> None:
    """The real sources: a DNA sample from a grave's remains, and the board's signature."""
    import datetime as dt

    from exhume.audit.events import Actor
    from exhume.casework.actions import do_record_grave, do_record_remains, record_identification
    from exhume.casework.models import Site
    from exhume.dna.actions import do_take_sample
    from exhume.maps import queries

    site = Site.objects.get(slug=SLUG)
    field = Actor("f", "field")
    graves = [do_record_grave(field, site=site, grave_number=f"S{n}") for n in range(3)]
    found = [
        do_record_remains(field, site=site, case_number=f"SX-{n}", exhumed_on=dt.date(2022, 9, 20),
                          grave=grave)
        for n, grave in enumerate(graves)
    ]  # fmt: skip
    do_take_sample(Actor("l", "lab"), barcode="BONE-S1", kind="bone", collected_by="lab",
                   collected_on=dt.date(2022, 9, 21), remains=found[1])  # fmt: skip
    do_take_sample(Actor("l", "lab"), barcode="BONE-S2", kind="bone", collected_by="lab",
                   collected_on=dt.date(2022, 9, 21), remains=found[2])  # fmt: skip
    record_identification(Actor("b", "board"), found[2], identified_on=dt.date(2022, 12, 1),
                          reason="signed", authority="board")  # fmt: skip
    status = queries.grave_statuses(site, graves)
    assert [status[g.pk] for g in graves] == ["exhumed", "sampled", "identified"]
    data = json.loads(staff.get(f"/api/staff/sites/{SLUG}/graves.geojson").content)
    assert data["statuses"]["sampled"] == 1 and data["statuses"]["identified"] == 1
