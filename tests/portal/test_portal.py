"""The family portal: a public report form (Ukrainian by default) guarded against abuse, a
private status link that shows coarse steps and nothing else, and family liaison's check."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from exhume.portal.models import FamilyReport
from tests.identification.conftest import make_person, policy_in_force, record_run  # noqa: F401
from tests.web.conftest import with_role

pytestmark = pytest.mark.django_db
FORM = {
    "reporter_name": "Оксана Коваль",
    "reporter_contact": "+380 50 000 0000",
    "relationship": "мати",
    "family_name": "Коваль",
    "given_name": "Андрій",
    "patronymic": "Петрович",
    "sex": "male",
    "birth_year": "1990",
    "last_seen_on": "2022-03-20",
    "last_seen_place": "Ізюм",
    "description": "синя куртка",
    "website": "",
}
PRIVATE = ("Оксана", "Коваль", "Андрій", "+380", "Ізюм", "синя куртка", "мати")


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    cache.clear()


def send(client: Client | None = None, **changes: str) -> tuple[Any, str]:
    """Submit the form; the response and the status link's path ("" if none)."""
    response = (client or Client()).post("/family/report/", {**FORM, **changes})
    found = re.search(r'id="status-link" href="http://testserver([^"]+)"', response.text)
    return response, found.group(1) if found else ""


def twin_of(link: str) -> str:
    """The status page's JSON twin (the public API never names families in its paths)."""
    return "/api/portal/status/" + link.rstrip("/").rsplit("/", 1)[1]


def liaison() -> Client:
    client = Client()
    client.force_login(with_role(User.objects.create_user("liaison-1"), "liaison"))
    return client


def test_the_form_is_in_ukrainian_unless_english_is_chosen() -> None:
    page = Client().get("/family/report/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Повідомити про зниклу людину" in page.text
    english = Client()
    english.cookies["django_language"] = "en"
    assert "Report a missing person" in english.get("/family/report/").text


def test_a_report_gets_a_reference_and_a_private_link_whose_token_is_stored_hashed() -> None:
    response, link = send()
    assert response.status_code == 200 and link.startswith("/family/status/")
    assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "no-referrer"
    token = link.rsplit("/", 2)[1]
    assert len(token) >= 43
    report = FamilyReport.objects.get()
    assert report.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert re.fullmatch(r"ZV-[A-Z2-9]{4}-[A-Z2-9]{4}", report.reference)
    assert report.reference in response.text and report.state == "received"


def test_the_status_page_shows_the_steps_and_nothing_of_the_report() -> None:
    _, link = send()
    page = Client().get(link)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert "Повідомлення отримано" in page.text and "чекає на перевірку" in page.text
    assert re.search(r"отримано \d{1,2} (січня|лютого|березня|квітня|травня|червня|липня|"
                     r"серпня|вересня|жовтня|листопада|грудня) \d{4}", page.text)  # fmt: skip
    assert not [word for word in PRIVATE if word in page.text]
    twin = Client().get(twin_of(link))
    assert [s["key"] for s in twin.json()["steps"] if s["done"]] == ["received"]
    assert not [word for word in PRIVATE if word in twin.text]


def test_an_unknown_link_and_a_revoked_link_look_the_same() -> None:
    _, link = send()
    assert Client().get("/family/status/" + "x" * 43 + "/").status_code == 404
    report = FamilyReport.objects.get()
    client = liaison()
    client.post(f"/staff/family-reports/{report.pk}/", {"action": "revoke", "note": "lost"})
    assert Client().get(link).status_code == 404
    page = client.post(f"/staff/family-reports/{report.pk}/",
                       {"action": "new_link", "note": "asked by telephone"})  # fmt: skip
    new = re.search(r'id="new-link" href="http://testserver([^"]+)"', page.text)
    assert new and Client().get(new.group(1)).status_code == 200
    assert Client().get(link).status_code == 404


def test_a_filled_honeypot_is_refused_and_nothing_is_stored() -> None:
    response, link = send(website="http://spam.example")
    assert response.status_code == 400 and not link
    assert not FamilyReport.objects.exists()


def test_the_sixth_report_from_one_address_in_an_hour_is_refused() -> None:
    codes = [send()[0].status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    assert FamilyReport.objects.count() == 5


def test_an_oversized_report_is_refused() -> None:
    response, _ = send(description="я" * 20000)
    assert response.status_code == 413 and not FamilyReport.objects.exists()
    too_long, _ = send(description="a" * 4001)
    assert too_long.status_code == 400


def test_the_form_needs_its_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    refused = client.post("/family/report/", FORM, HTTP_ACCEPT_LANGUAGE="uk")
    assert refused.status_code == 403 and "Термін дії форми минув" in refused.text
    assert not FamilyReport.objects.exists()


def test_liaison_checks_a_report_and_the_family_sees_each_step(
    record_run: Any,  # noqa: F811
    make_site: Any,
    make_remains: Any,
) -> None:
    from exhume.audit.events import Actor
    from exhume.dna.actions import do_take_sample
    from exhume.dna.pedigree_actions import do_add_relative, do_create_family
    from exhume.identification.actions import do_review
    from tests.identification.conftest import assessment

    _, link = send()
    report = FamilyReport.objects.get()
    client = liaison()
    assert client.get("/staff/family-reports/").status_code == 200
    client.post(f"/staff/family-reports/{report.pk}/", {"action": "verify", "note": "called"})
    report.refresh_from_db()
    person = report.missing_person
    assert report.state == "verified" and person.family_name == "Коваль" and person.sex == "male"

    def done() -> list[str]:
        steps = Client().get(twin_of(link)).json()["steps"]
        return [s["key"] for s in steps if s["done"]]

    assert done() == ["received"]
    system = Actor.system("tests")
    site = make_site("lisova")
    family = do_create_family(system, name="F1", missing_person=person, site=site)
    mother = do_add_relative(system, family=family, label="MO", sex="female",
                             relationship="mother", relative_of=person)  # fmt: skip
    do_take_sample(system, barcode="R-1", kind="buccal_swab", donor=mother,
                   collected_by="liaison", collected_on=dt.date(2022, 10, 1))  # fmt: skip
    assert done() == ["received", "sample"]
    body = make_remains(site, sex="male")
    record_run(site, [(body, person, assessment())])
    assert done() == ["received", "sample"]  # a computed candidate is not shown
    from exhume.identification.models import Proposal

    do_review(Actor("analyst-1", "lab"), Proposal.objects.get())
    assert done() == ["received", "sample", "review"]
    page = Client().get(link).text
    assert not [w for w in (*PRIVATE, body.case_number, "R-1") if w in page]


@pytest.mark.parametrize("role", ["lab", "board", "field"])
def test_only_liaison_opens_the_families_reports(role: str) -> None:
    send()
    client = Client()
    client.force_login(with_role(User.objects.create_user(f"{role}-1"), role))
    assert client.get("/staff/family-reports/").status_code == 403
    assert Client().get("/staff/family-reports/").status_code == 302


def test_behind_the_proxy_each_family_is_counted_by_its_own_address(settings: Any) -> None:
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    for _ in range(5):
        Client(HTTP_X_REAL_IP="203.0.113.7").post("/family/report/", FORM)
    assert Client(HTTP_X_REAL_IP="203.0.113.7").post("/family/report/", FORM).status_code == 429
    assert Client(HTTP_X_REAL_IP="198.51.100.2").post("/family/report/", FORM).status_code == 200


def test_liaison_sees_the_reports_waiting_for_a_check_first() -> None:
    send(family_name="Перший")
    send(family_name="Другий")
    first = FamilyReport.objects.get(family_name="Перший")
    liaison().post(f"/staff/family-reports/{first.pk}/", {"action": "verify"})
    rows = Client()
    rows.force_login(User.objects.get(username="liaison-1"))
    listed = [r["missing"].split()[0] for r in rows.get("/api/staff/family-reports").json()]
    assert listed == ["Другий", "Перший"]
