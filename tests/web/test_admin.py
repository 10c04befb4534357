"""Data entry through the admin: every save is an action with its log entry; nothing deleted."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from exhume.audit.models import LogEntry
from exhume.casework.models import BurialJournalEntry, Grave, Remains, Site
from exhume.families.models import MissingPerson
from tests.web.builders import Built

pytestmark = pytest.mark.django_db

REMAINS_FIELDS = (
    "site", "case_number", "grave", "exhumed_on", "kind", "body", "sex", "age_class",
    "age_min", "age_max", "status", "cause_of_death", "violent_death", "condition",
    "personal_effects", "distinguishing_marks", "notes",
)  # fmt: skip


def remains_form(record: Remains | None = None, **overrides: Any) -> dict[str, Any]:
    """The POST body of the remains admin form: the record's values, then the overrides."""
    data: dict[str, Any] = {"_save": "Save"}
    if record is not None:
        for name in REMAINS_FIELDS:
            value = getattr(record, f"{name}_id" if name in {"site", "grave", "body"} else name)
            data[name] = "" if value is None else value
        data["torture_indicators"] = list(record.torture_indicators)
        data["loaded_version"] = record.version
    data.update(overrides)
    return data


def new_remains(site: Site, **overrides: Any) -> dict[str, Any]:
    base = {
        "site": site.pk, "case_number": "LP-ADM-1", "grave": "", "exhumed_on": "2022-09-19",
        "kind": "body", "body": "", "sex": "female", "age_class": "adult", "age_min": "40",
        "age_max": "50", "status": "civilian", "cause_of_death": "shelling",
        "violent_death": "yes", "torture_indicators": ["burns"], "condition": "",
        "personal_effects": "", "distinguishing_marks": "", "notes": "",
    }  # fmt: skip
    return remains_form(None, **{**base, **overrides})


def log_for(instance: Any) -> list[LogEntry]:
    record_type = f"{instance._meta.app_label}.{instance._meta.model_name}"
    return list(LogEntry.objects.filter(record_type=record_type, record_id=str(instance.pk)))


def test_adding_remains_runs_the_action_and_logs_it(admin_client: Client, built: Built) -> None:
    response = admin_client.post("/admin/casework/remains/add/", new_remains(built.site))
    assert response.status_code == 302
    record = Remains.objects.get(case_number="LP-ADM-1")
    assert (record.sex, record.torture_indicators, record.version) == ("female", ["burns"], 1)
    [entry] = log_for(record)
    assert (entry.action, entry.actor, entry.actor_role, entry.version) == (
        "create", "admin", "admin", 1
    )  # fmt: skip
    assert entry.category is not None and entry.category["group"] == "women"


def test_a_refused_record_becomes_an_error_on_its_field(admin_client: Client, built: Built) -> None:
    before = LogEntry.objects.count()
    response = admin_client.post(
        "/admin/casework/remains/add/",
        new_remains(built.site, age_class="child", age_min="30", age_max="40"),
    )
    assert response.status_code == 400  # refused: the page names the field
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["age_class"]
    assert (
        "age class 'child' contradicts an estimated age of at least 30 years"
        in errors["age_class"][0]
    )
    assert not Remains.objects.filter(case_number="LP-ADM-1").exists()
    assert LogEntry.objects.count() == before


def test_a_duplicate_case_number_is_an_error_and_writes_nothing(
    admin_client: Client, built: Built
) -> None:
    before = LogEntry.objects.count()
    response = admin_client.post(
        "/admin/casework/remains/add/", new_remains(built.site, case_number="LP-2022-0002")
    )
    assert response.status_code == 400  # refused: the page names the field
    assert response.context["adminform"].form.errors
    assert LogEntry.objects.count() == before


def test_changing_remains_is_a_correction_with_reason_and_authority(
    admin_client: Client, built: Built
) -> None:
    record = Remains.objects.get(case_number="LP-2022-0004")
    url = f"/admin/casework/remains/{record.pk}/change/"
    body = remains_form(
        record, sex="male", reason="DNA profile shows XY", authority="Kharkiv morgue"
    )
    assert admin_client.post(url, body).status_code == 302
    record.refresh_from_db()
    assert (record.sex, record.version) == ("male", 2)
    created, corrected = log_for(record)
    assert (corrected.action, corrected.version, corrected.reason, corrected.authority) == (
        "correct", 2, "DNA profile shows XY", "Kharkiv morgue"
    )  # fmt: skip
    assert corrected.supersedes == created
    assert corrected.category is not None and corrected.category["group"] == "men"


def test_a_correction_made_against_an_older_version_is_refused_naming_the_field(
    admin_client: Client, built: Built, actor: Any
) -> None:
    from exhume.casework.actions import do_correct_remains

    record = Remains.objects.get(case_number="LP-2022-0004")
    url = f"/admin/casework/remains/{record.pk}/change/"
    stale = remains_form(record, age_class="child", reason="X-ray of the teeth", authority="morgue")
    do_correct_remains(actor, record, reason="DNA shows XY", authority="lab", sex="male")
    response = admin_client.post(url, stale)
    assert response.status_code == 400  # refused: the page names the field
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["age_class"]
    # the stale form would also have put back the sex it was loaded with: both are named
    assert (
        "at version 2, but this correction of age_class, sex was made against version 1"
        in (errors["age_class"][0])
    )
    record.refresh_from_db()
    assert (record.sex, record.age_class, record.version) == ("male", "adult", 2)


def test_a_correction_without_reason_or_authority_is_refused(
    admin_client: Client, built: Built
) -> None:
    record = Remains.objects.get(case_number="LP-2022-0004")
    url = f"/admin/casework/remains/{record.pk}/change/"
    response = admin_client.post(url, remains_form(record, sex="male", reason="", authority=""))
    assert response.status_code == 400  # refused: the page names the field
    assert set(response.context["adminform"].form.errors) == {"reason", "authority"}
    record.refresh_from_db()
    assert (record.sex, record.version, len(log_for(record))) == ("female", 1, 1)


def test_a_correction_that_changes_nothing_is_refused(admin_client: Client, built: Built) -> None:
    record = Remains.objects.get(case_number="LP-2022-0004")
    url = f"/admin/casework/remains/{record.pk}/change/"
    response = admin_client.post(url, remains_form(record, reason="check", authority="me"))
    assert response.status_code == 400  # refused: the page names the field
    assert response.context["adminform"].form.non_field_errors() == [
        "no field was changed, so there is nothing to correct"
    ]
    assert len(log_for(record)) == 1


def test_the_actor_role_comes_from_the_users_group(client: Client, built: Built) -> None:
    user = User.objects.create_user("mortician", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="morgue"))
    client.force_login(user)
    client.post("/admin/casework/remains/add/", new_remains(built.site))
    [entry] = log_for(Remains.objects.get(case_number="LP-ADM-1"))
    assert entry.actor_role == "morgue"


def test_adding_a_site_a_grave_and_a_journal_line_runs_the_actions(
    admin_client: Client, built: Built
) -> None:
    response = admin_client.post(
        "/admin/casework/site/add/",
        {
            "name": "Novyi Sad pit",
            "slug": "novyi-sad",
            "place": "Novyi Sad, Ukraine",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    site = Site.objects.get(slug="novyi-sad")
    admin_client.post(
        "/admin/casework/grave/add/",
        {"site": site.pk, "grave_number": "12", "kind": "individual", "_save": "Save"},
    )
    grave = Grave.objects.get(site=site, grave_number="12")
    admin_client.post(
        "/admin/casework/burialjournalentry/add/",
        {
            "site": site.pk,
            "grave_number": "12",
            "name_as_written": "Невідомий",
            "grave": "",
            "_save": "Save",
        },
    )
    entry = BurialJournalEntry.objects.get(site=site)
    assert entry.grave == grave  # the action ties the line to the grave bearing the number
    assert [e.action for obj in (site, grave, entry) for e in log_for(obj)] == ["create"] * 3


def test_an_exhumation_ending_before_it_starts_is_an_error_on_the_end_date(
    admin_client: Client, built: Built
) -> None:
    response = admin_client.post(
        "/admin/casework/site/add/",
        {"name": "X", "slug": "x", "place": "Y", "exhumation_started_on": "2022-09-20",
         "exhumation_ended_on": "2022-09-10", "_save": "Save"},
    )  # fmt: skip
    assert list(response.context["adminform"].form.errors) == ["exhumation_ended_on"]


def test_reporting_a_missing_person_runs_the_action(admin_client: Client, built: Built) -> None:
    response = admin_client.post(
        "/admin/families/missingperson/add/",
        {"family_name": "Бондар", "given_name": "Ірина", "sex": "female", "_save": "Save"},
    )
    assert response.status_code == 302
    person = MissingPerson.objects.get(family_name="Бондар")
    assert [e.action for e in log_for(person)] == ["create"]


def test_a_missing_person_without_family_name_is_refused(
    admin_client: Client, built: Built
) -> None:
    response = admin_client.post(
        "/admin/families/missingperson/add/",
        {"family_name": " ", "sex": "female", "_save": "Save"},
    )
    assert response.status_code == 400  # refused: the page names the field
    assert list(response.context["adminform"].form.errors) == ["family_name"]


@pytest.mark.parametrize(
    "path", ["/admin/casework/remains/{remains}/delete/", "/admin/casework/site/{site}/delete/"]
)
def test_nothing_can_be_deleted(admin_client: Client, built: Built, path: str) -> None:
    url = path.format(remains=built.first.pk, site=built.site.pk)
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Remains.objects.filter(pk=built.first.pk).exists()


def test_the_bulk_delete_action_is_not_offered(admin_client: Client, built: Built) -> None:
    html = admin_client.get("/admin/casework/remains/").content.decode()
    assert "delete_selected" not in html


def test_changing_a_site_is_a_logged_correction(admin_client: Client, built: Built) -> None:
    url = f"/admin/casework/site/{built.site.pk}/change/"
    form = {f.name: f.value() or "" for f in _bound_fields(admin_client, url)}
    form.update(name="Renamed", reason="official name confirmed", authority="prosecutor's office")
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    built.site.refresh_from_db()
    assert (built.site.name, built.site.version) == ("Renamed", 2)
    last = LogEntry.objects.order_by("-seq").first()
    assert last is not None
    assert (last.record_type, last.action, last.reason) == (
        "casework.site", "correct", "official name confirmed",
    )  # fmt: skip


def _bound_fields(client: Client, url: str) -> list[Any]:
    form = client.get(url).context["adminform"].form
    return [form[name] for name in form.fields if name not in {"reason", "authority"}]


def test_the_audit_log_is_read_only_and_hides_the_salt(admin_client: Client, built: Built) -> None:
    entry = LogEntry.objects.order_by("seq").first()
    assert entry is not None
    listing = admin_client.get("/admin/audit/logentry/")
    assert listing.status_code == 200
    detail = admin_client.get(f"/admin/audit/logentry/{entry.pk}/change/").content.decode()
    assert entry.commitment in detail
    assert entry.salt not in detail
    assert admin_client.get("/admin/audit/logentry/add/").status_code == 403
    assert admin_client.post(f"/admin/audit/logentry/{entry.pk}/change/", {}).status_code == 403
    assert admin_client.get(f"/admin/audit/logentry/{entry.pk}/delete/").status_code == 403


def test_the_add_and_correction_forms_render(admin_client: Client, built: Built) -> None:
    add = admin_client.get("/admin/casework/remains/add/").content.decode()
    assert 'name="torture_indicators"' in add and 'name="reason"' not in add
    change = admin_client.get(f"/admin/casework/remains/{built.first.pk}/change/").content.decode()
    assert "Correction (required)" in change
    assert 'name="reason"' in change and 'name="authority"' in change
    for path in ("site", "grave", "burialjournalentry"):
        assert admin_client.get(f"/admin/casework/{path}/add/").status_code == 200
    assert admin_client.get("/admin/families/missingperson/add/").status_code == 200


def test_a_role_that_may_only_view_remains_sees_them_read_only(
    client: Client, built: Built
) -> None:
    user = User.objects.create_user("viewer", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="investigator"))
    client.force_login(user)
    html = client.get(f"/admin/casework/remains/{built.first.pk}/change/").content.decode()
    assert "LP-2022-0001" in html
    assert 'name="reason"' not in html and 'name="case_number"' not in html
