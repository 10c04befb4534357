"""The public pages: the headline and every figure, and never any personal data."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.web.builders import EXPECTED, PERSONAL, SLUG, Built
from tests.web.conftest import figures


def test_the_site_page_shows_the_headline_and_each_figure(client: Client, built: Built) -> None:
    response = client.get(f"/sites/{SLUG}/")
    html = response.content.decode()
    assert response.status_code == 200
    shown = figures(html)
    for name in ("total", "women", "men", "sex_undetermined", "children", "servicemen"):
        assert shown[name] == EXPECTED[name], name
    assert shown["with_torture_signs"] == 6
    assert shown["violent_death"] == 9
    assert shown["infobox-total"] == 15
    assert "Lisova Poliana forest cemetery" in html
    assert "16 September 2022 – 18 September 2022" in html


def test_the_breakdown_sums_to_the_headline(client: Client, built: Built) -> None:
    shown = figures(client.get(f"/sites/{SLUG}/").content.decode())
    groups = ("women", "men", "sex_undetermined", "children", "servicemen")
    assert sum(shown[g] for g in groups) == shown["total"] == 15


def test_the_site_page_labels_synthetic_data_and_links_its_json_twin(
    client: Client, built: Built
) -> None:
    html = client.get(f"/sites/{SLUG}/").content.decode()
    assert "SYNTHETIC DEMONSTRATION DATA" in html
    assert f'href="/api/sites/{SLUG}"' in html
    assert f'href="/api/sites/{SLUG}/stats"' in html


def test_a_real_site_has_no_synthetic_banner(client: Client, built: Built) -> None:
    built.other.is_synthetic = False
    built.other.save(update_fields=["is_synthetic"])  # test set-up only, not a page write
    html = client.get("/sites/kamianka/").content.decode()
    assert "SYNTHETIC DEMONSTRATION DATA" not in html
    assert figures(html)["total"] == 2


def test_the_site_page_explores_the_other_sites(client: Client, built: Built) -> None:
    html = client.get(f"/sites/{SLUG}/").content.decode()
    assert 'href="/sites/kamianka/"' in html
    assert "Kamianka yard graves" in html


def test_the_site_page_draws_the_running_count_and_the_stacked_bar(
    client: Client, built: Built
) -> None:
    html = client.get(f"/sites/{SLUG}/").content.decode()
    assert 'aria-label="Running count of persons exhumed, by day: 15 in all"' in html
    assert "2022-09-17: 5 exhumed, 11 in total" in html
    assert 'class="seg seg-women"' in html and 'class="seg seg-servicemen"' in html


def test_as_of_counts_only_records_exhumed_up_to_that_day(client: Client, built: Built) -> None:
    html = client.get(f"/sites/{SLUG}/", {"as_of": "2022-09-16"}).content.decode()
    shown = figures(html)
    assert (shown["total"], shown["women"], shown["men"], shown["sex_undetermined"]) == (6, 3, 2, 1)
    assert f'href="/api/sites/{SLUG}?as_of=2022-09-16"' in html


@pytest.mark.parametrize("path", ["/sites/nowhere/", f"/sites/{SLUG}/?as_of=16.09.2022"])
def test_an_unknown_site_or_bad_date_is_not_found(client: Client, built: Built, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_the_home_page_lists_every_site_with_its_total(client: Client, built: Built) -> None:
    html = client.get("/").content.decode()
    assert 'href="/sites/lisova/"' in html and 'href="/sites/kamianka/"' in html
    assert '<span class="card-number">15</span>' in html
    assert '<span class="card-number">2</span>' in html


@pytest.mark.parametrize(
    "path",
    [
        "/",
        f"/sites/{SLUG}/",
        f"/sites/{SLUG}/?as_of=2022-09-17",
        "/api/sites",
        f"/api/sites/{SLUG}",
        f"/api/sites/{SLUG}/stats",
    ],
)
def test_public_pages_and_their_json_carry_no_personal_data(
    client: Client, built: Built, path: str
) -> None:
    body = client.get(path).content.decode()
    assert client.get(path).status_code == 200
    for label, value in PERSONAL.items():
        assert value not in body, f"{label} leaked into {path}"


def test_public_pages_load_no_script_and_no_remote_resource(client: Client, built: Built) -> None:
    html = client.get(f"/sites/{SLUG}/").content.decode()
    assert "<script" not in html
    assert "http://" not in html and "https://" not in html
