"""The public pages and figures are computed once per state of the records (the log's head) and
a write anywhere is visible on the very next read."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from exhume.audit.events import Actor
from exhume.casework.actions import do_correct_site, do_record_remains
from exhume.publication.cache import log_head
from tests.web.builders import SLUG, Built
from tests.web.conftest import figures

PAGES = ("/", f"/sites/{SLUG}/", f"/sites/{SLUG}/?as_of=2022-09-16")
TWINS = (
    "/api/sites",
    f"/api/sites/{SLUG}",
    f"/api/sites/{SLUG}/stats",
    f"/api/sites/{SLUG}/releases",
)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_repeated_read_asks_the_database_only_for_the_log_head(
    client: Client, built: Built
) -> None:
    assert _queries(client, f"/api/sites/{SLUG}") > 1  # computed once
    for url in PAGES + TWINS:
        _queries(client, url)
        assert _queries(client, url) == 1, url


def test_a_new_record_shows_on_the_next_read_of_the_page_and_its_twin(
    client: Client, built: Built
) -> None:
    page_before = figures(client.get(f"/sites/{SLUG}/").content.decode())["total"]
    twin_before = client.get(f"/api/sites/{SLUG}").json()["summary"]["total"]
    head_before = log_head()
    do_record_remains(
        Actor("field-team-1", "field"), site=built.site, case_number="C-CACHE-1",
        exhumed_on=dt.date(2022, 9, 18), sex="male", age_class="adult", status="civilian",
        cause_of_death="shelling", violent_death="yes",
    )  # fmt: skip
    assert log_head() != head_before
    assert figures(client.get(f"/sites/{SLUG}/").content.decode())["total"] == page_before + 1
    assert client.get(f"/api/sites/{SLUG}").json()["summary"]["total"] == twin_before + 1
    cards = {card["slug"]: card["total"] for card in client.get("/api/sites").json()}
    assert cards[SLUG] == twin_before + 1


def test_a_corrected_site_name_shows_on_the_next_read(client: Client, built: Built) -> None:
    assert "Lisova Poliana forest cemetery" in client.get(f"/sites/{SLUG}/").content.decode()
    do_correct_site(
        Actor("admin", "admin"), built.site, reason="typo", authority="board",
        name="Lisova Poliana cemetery",
    )  # fmt: skip
    html = client.get(f"/sites/{SLUG}/").content.decode()
    assert "Lisova Poliana cemetery" in html
    assert "Lisova Poliana forest cemetery" not in html
    assert client.get("/").content.decode().count("Lisova Poliana cemetery") >= 1


def test_a_logged_in_user_gets_their_own_page_and_visitors_never_see_it(
    client: Client, built: Built, staff_user: User
) -> None:
    anonymous = client.get(f"/sites/{SLUG}/").content.decode()
    client.force_login(staff_user)
    own = client.get(f"/sites/{SLUG}/").content.decode()
    assert "Log out olha" in own and "csrfmiddlewaretoken" in own
    client.logout()
    again = client.get(f"/sites/{SLUG}/").content.decode()
    assert again == anonymous
    assert "olha" not in again and "csrfmiddlewaretoken" not in again


def test_each_language_is_kept_apart(client: Client, built: Built) -> None:
    english = client.get(f"/sites/{SLUG}/", headers={"accept-language": "en"}).content.decode()
    ukrainian = client.get(f"/sites/{SLUG}/", headers={"accept-language": "uk"}).content.decode()
    assert '<html lang="en">' in english
    assert '<html lang="uk">' in ukrainian


def test_an_unknown_site_is_not_found_every_time(client: Client, built: Built) -> None:
    for _ in range(2):
        assert client.get("/sites/nowhere/").status_code == 404
        assert client.get("/api/sites/nowhere").status_code == 404


def test_unused_query_parameters_do_not_make_new_entries(client: Client, built: Built) -> None:
    client.get(f"/sites/{SLUG}/")
    assert _queries(client, f"/sites/{SLUG}/?utm=1") == 1
    assert _queries(client, f"/sites/{SLUG}/?x=2") == 1


def test_an_unchanged_page_is_not_sent_again_to_a_reader_who_has_it(
    client: Client, built: Built
) -> None:
    for url in (f"/sites/{SLUG}/", f"/api/sites/{SLUG}"):
        first = client.get(url)
        etag = first["ETag"]
        again = client.get(url, headers={"if-none-match": etag})
        assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)
    etag = client.get(f"/sites/{SLUG}/")["ETag"]
    do_correct_site(
        Actor("admin", "admin"), built.site, reason="typo", authority="board", place="Kharkiv"
    )
    after = client.get(f"/sites/{SLUG}/", headers={"if-none-match": etag})
    assert after.status_code == 200 and after["ETag"] != etag


def test_a_page_served_from_the_store_keeps_every_security_header(
    client: Client, built: Built
) -> None:
    first = client.get(f"/sites/{SLUG}/")
    again = client.get(f"/sites/{SLUG}/")
    assert again.content == first.content
    for name in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options",
                 "Referrer-Policy", "Content-Type", "Content-Language", "ETag"):  # fmt: skip
        assert again[name] == first[name], name


def test_a_reader_with_a_session_cookie_takes_the_usual_path(client: Client, built: Built) -> None:
    client.get(f"/sites/{SLUG}/")
    client.cookies["sessionid"] = "not-a-session"
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/sites/{SLUG}/").status_code == 200
    assert any("django_session" in q["sql"] for q in captured.captured_queries)


def test_the_request_log_names_the_route_of_a_page_served_from_the_store(
    client: Client, built: Built, caplog: pytest.LogCaptureFixture
) -> None:
    client.get(f"/sites/{SLUG}/")
    with caplog.at_level(logging.INFO, logger="exhume.requests"):
        client.get(f"/sites/{SLUG}/")
    [record] = [r for r in caplog.records if r.name == "exhume.requests"]
    assert record.fields["route"] == "/sites/<slug:slug>/"  # type: ignore[attr-defined]


def test_a_page_as_of_a_date_is_kept_apart_from_the_page_without_one(
    client: Client, built: Built
) -> None:
    page, dated = f"/sites/{SLUG}/", f"/sites/{SLUG}/?as_of=2022-09-16"
    then = figures(client.get(dated).content.decode())["total"]
    now = figures(client.get(page).content.decode())["total"]
    assert then != now  # the date matters on this site
    for _ in range(2):
        assert figures(client.get(page).content.decode())["total"] == now
        assert figures(client.get(dated).content.decode())["total"] == then
