"""The consent pages: family liaison sees and records consent (no DNA on the page), other
roles do not get them, and the form prints in Ukrainian and English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from exhume.dna.models import Sample
from tests.web.conftest import with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(actor: Any, shared_data: Path) -> Any:
    from exhume.dna.dvi import do_import_dvi

    do_import_dvi(actor, shared_data / "dvi-examples" / "example1.json", slug="a")
    return Sample.objects.get(barcode="a-F1-R1")


def client_as(role: str) -> Client:
    client = Client()
    client.force_login(with_role(User.objects.create_user(f"{role}-1"), role))
    return client


def test_liaison_sees_the_consent_of_each_reference_sample_and_no_genotype(case: Any) -> None:
    page = client_as("liaison").get("/staff/dna/sites/a/consent/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "a-F1-R1" in body and "not recorded: this case only" in body
    assert "a-V1" not in body and "L1" not in body  # no remains sample, no marker


@pytest.mark.parametrize("role", ["lab", "field", "board"])
def test_other_roles_do_not_get_the_consent_pages(case: Any, role: str) -> None:
    client = client_as(role)
    assert client.get("/staff/dna/sites/a/consent/").status_code == 403
    assert client.get("/staff/dna/consent/a-F1-R1/").status_code == 403


def test_liaison_records_a_withdrawal_and_the_history_keeps_both(case: Any) -> None:
    client = client_as("liaison")
    url = "/staff/dna/consent/a-F1-R1/"
    first = {"scope": "national", "retention": "keep", "given_on": "2022-10-05"}
    assert client.post(url, first).status_code == 302
    refused = client.post(url, {**first, "scope": "withdrawn"})
    assert refused.status_code == 400 and "a change of consent needs a reason" in refused.text
    client.post(url, {**first, "scope": "withdrawn", "reason": "asked in person"})
    assert [c.scope for c in case.consents.all()] == ["national", "withdrawn"]
    page = client.get(url).content.decode()
    assert "Withdrawn: not to be used" in page and "liaison-1" in page


def test_the_consent_form_prints_in_ukrainian_and_english(case: Any) -> None:
    client = client_as("liaison")
    uk = client.get("/staff/dna/consent/a-F1-R1/form/?lang=uk").content.decode()
    assert '<html lang="uk">' in uk and "Лише ця справа" in uk
    assert "Relationship" not in uk and "Spouse" not in uk
    en = client.get("/staff/dna/consent/form/?lang=en").content.decode()
    assert '<html lang="en">' in en and "International exchange" in en
    asked = client.get("/staff/dna/consent/form/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert '<html lang="uk">' in asked


def test_dates_on_the_consent_pages_follow_the_readers_language(case: Any) -> None:
    client = client_as("liaison")
    client.post("/staff/dna/consent/a-F1-R1/",
                {"scope": "case", "retention": "keep", "given_on": "2022-10-05"})  # fmt: skip
    uk = client.get("/staff/dna/consent/a-F1-R1/form/?lang=uk").content.decode()
    assert "5 жовтня 2022" in uk
    twin = client.get("/api/staff/dna/consent/a-F1-R1").json()
    assert twin["consent"]["given_on"] == "2022-10-05"
