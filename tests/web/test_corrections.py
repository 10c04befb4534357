"""Corrections through the API and the CLI, as of the version read: a stale one is a conflict
naming the fields, and nothing is written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from django.test import Client

from exhume.audit.models import LogEntry
from exhume.casework.models import Remains
from exhume.cli import main
from exhume.families.actions import do_report_missing_person
from tests.web.builders import Built

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def body(version: int, **changes: Any) -> dict[str, Any]:
    return {"version": version, "reason": "re-examined", "authority": "morgue", "changes": changes}


def test_the_api_corrects_a_record_as_of_the_version_read(
    admin_client: Client, built: Built
) -> None:
    record = Remains.objects.get(case_number="LP-2022-0004")
    response = post(
        admin_client, f"/api/staff/remains/{record.pk}/corrections", body(1, sex="male")
    )
    assert response.status_code == 200, response.content
    assert (response.json()["sex"], response.json()["version"]) == ("male", 2)
    latest = LogEntry.objects.filter(record_id=str(record.pk), record_type="casework.remains")
    assert latest.order_by("-seq").first().reason == "re-examined"  # type: ignore[union-attr]


def test_the_api_refuses_a_stale_correction_with_409_naming_the_field(
    admin_client: Client, built: Built
) -> None:
    record = Remains.objects.get(case_number="LP-2022-0004")
    url = f"/api/staff/remains/{record.pk}/corrections"
    assert post(admin_client, url, body(1, sex="male")).status_code == 200
    entries = LogEntry.objects.count()
    response = post(admin_client, url, body(1, age_class="child"))
    assert response.status_code == 409
    assert response.json()["error"] == "ConflictError"
    assert response.json()["field"] == "age_class"
    assert (
        "is at version 2, but this correction of age_class was made against version 1"
        in (response.json()["message"])
    )
    assert LogEntry.objects.count() == entries
    record.refresh_from_db()
    assert (record.age_class, record.version) == ("adult", 2)


def test_the_api_names_a_foreign_key_that_does_not_exist(
    admin_client: Client, built: Built
) -> None:
    record = Remains.objects.get(case_number="LP-2022-0004")
    response = post(
        admin_client, f"/api/staff/remains/{record.pk}/corrections", body(1, grave=999999)
    )
    assert response.status_code == 400
    assert (response.json()["field"], response.json()["message"]) == (
        "grave", "no casework.grave with id 999999"
    )  # fmt: skip


def test_the_api_corrects_a_missing_person_only_for_the_families_permission(
    admin_client: Client, client: Client, actor: Any, django_user_model: Any
) -> None:
    person = do_report_missing_person(actor, family_name="Кривоніс")
    url = f"/api/staff/families/missing-persons/{person.pk}/corrections"
    django_user_model.objects.create_user("clerk", password="pw")
    client.login(username="clerk", password="pw")
    assert post(client, url, body(1, given_name="Остап")).status_code == 403
    response = post(admin_client, url, body(1, given_name="Остап"))
    assert (response.status_code, response.json()["version"]) == (200, 2)
    assert post(admin_client, url, body(1, given_name="Остапій")).status_code == 409


def test_the_cli_corrects_and_refuses_a_stale_version_with_exit_75(built: Built) -> None:
    record = Remains.objects.get(case_number="LP-2022-0004")
    args = ["correct", f"casework.remains:{record.pk}", "--reason", "r", "--authority", "a"]
    done = CliRunner().invoke(main, [*args, "sex=male", "age_min:=41", "--expected-version", "1"])
    assert done.exit_code == 0, done.output
    assert done.output == f"corrected casework.remains {record.pk}: now version 2\n"
    stale = CliRunner().invoke(main, [*args, "sex=female", "--expected-version", "1"])
    assert stale.exit_code == 75
    assert "error: field 'sex': casework.remains" in stale.output
    record.refresh_from_db()
    assert (record.sex, record.age_min, record.version) == ("male", 41, 2)
