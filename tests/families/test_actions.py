"""Missing-person reports: written by actions, logged, checked, corrected, never on public pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from exhume.audit.models import LogEntry
from exhume.errors import InvalidInputError
from exhume.families.actions import do_correct_missing_person, do_report_missing_person
from exhume.families.models import MissingPerson

pytestmark = pytest.mark.django_db


def report(actor: Any, **fields: Any) -> MissingPerson:
    defaults = {"family_name": "Кривоніс", "given_name": "Остапій", "sex": "male"}
    return do_report_missing_person(actor, **{**defaults, **fields})


def test_a_report_is_written_and_logged_with_its_commitment_never_its_name(actor: Any) -> None:
    person = report(actor, birth_year=1960, last_seen_on=dt.date(2022, 3, 20))
    entry = LogEntry.objects.get(record_type="families.missingperson", record_id=str(person.pk))
    assert (entry.action, entry.version, entry.actor_role) == ("create", 1, "field")
    assert "Кривоніс" not in entry.leaf and entry.category is None
    assert str(person) == "Кривоніс Остапій"


def test_it_refuses_a_report_without_a_family_name(actor: Any) -> None:
    with pytest.raises(InvalidInputError) as error:
        report(actor, family_name="  ")
    assert (error.value.field, error.value.message) == (
        "family_name",
        "the family name is required",
    )
    assert MissingPerson.objects.count() == 0 and LogEntry.objects.count() == 0


def test_it_refuses_a_birth_year_that_contradicts_the_birth_date(actor: Any) -> None:
    with pytest.raises(InvalidInputError) as error:
        report(actor, birth_date=dt.date(1961, 5, 1), birth_year=1960)
    assert error.value.field == "birth_year"
    assert error.value.message == "birth year 1960 contradicts birth date 1961-05-01"


def test_it_refuses_a_person_last_seen_before_being_born(actor: Any) -> None:
    with pytest.raises(InvalidInputError) as error:
        report(actor, birth_year=1990, last_seen_on=dt.date(1989, 12, 31))
    assert (error.value.field, error.value.message) == (
        "last_seen_on",
        "last seen before being born",
    )


def test_a_correction_is_a_new_logged_version_with_its_reason(actor: Any) -> None:
    person = report(actor, birth_year=1960)
    fixed = do_correct_missing_person(
        actor, person, reason="family re-interviewed", authority="police", birth_year=1961
    )
    assert (fixed.birth_year, fixed.version) == (1961, 2)
    latest = LogEntry.objects.filter(record_id=str(person.pk)).order_by("-seq").first()
    assert latest is not None
    assert (latest.action, latest.version, latest.reason) == ("correct", 2, "family re-interviewed")


def test_a_correction_is_checked_like_a_report(actor: Any) -> None:
    person = report(actor, birth_year=1960)
    with pytest.raises(InvalidInputError, match="the family name is required"):
        do_correct_missing_person(actor, person, reason="r", authority="a", family_name="")
    person.refresh_from_db()
    assert (person.family_name, person.version) == ("Кривоніс", 1)


def test_reports_are_for_staff_with_the_families_permission_only(
    actor: Any, client: Client, django_user_model: Any
) -> None:
    person = report(actor)
    django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    client.login(username="clerk", password="pw")
    assert client.get("/admin/families/missingperson/").status_code == 403
    assert client.get(f"/admin/families/missingperson/{person.pk}/change/").status_code in {
        302,
        403,
    }


def test_the_admin_reports_and_corrects_through_the_actions(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/families/missingperson/add/",
        {"family_name": "Бойко", "given_name": "Олена", "sex": "female", "_save": "Save"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    person = MissingPerson.objects.get(family_name="Бойко")
    assert LogEntry.objects.filter(record_type="families.missingperson").count() == 1
    assert (
        admin_client.post(f"/admin/families/missingperson/{person.pk}/delete/").status_code == 403
    )
