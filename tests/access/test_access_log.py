"""Who looked at what: views of names, reports (and later DNA and contacts) are logged."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User

from exhume.access.models import AccessEntry
from exhume.families.models import MissingPerson
from tests.access.conftest import client_for
from tests.web.builders import SLUG, Built

pytestmark = pytest.mark.django_db
Member = Callable[[str, str], User]


def test_viewing_a_missing_person_report_writes_an_access_entry(
    built: Built, member: Member
) -> None:
    person = MissingPerson.objects.get()
    response = client_for(member("liaison", "oksana")).get(f"/staff/missing/{person.pk}/")
    assert response.status_code == 200
    [entry] = AccessEntry.objects.all()
    assert (entry.username, entry.role, entry.data, entry.record, entry.page) == (
        "oksana", "liaison", "missing_reports", f"families.missingperson:{person.pk}",
        f"/staff/missing/{person.pk}/",
    )  # fmt: skip


def test_viewing_the_journal_page_or_its_twin_writes_an_access_entry(
    built: Built, member: Member
) -> None:
    client = client_for(member("board", "bohdan"))
    client.get(f"/staff/sites/{SLUG}/journal/")
    client.get(f"/api/staff/sites/{SLUG}/journal")
    pages = list(AccessEntry.objects.order_by("id").values_list("record", "page"))
    assert pages == [
        (f"casework.burialjournal:{SLUG}", f"/staff/sites/{SLUG}/journal/"),
        (f"casework.burialjournal:{SLUG}", f"/api/staff/sites/{SLUG}/journal"),
    ]


def test_a_refused_view_and_a_view_of_remains_write_no_access_entry(
    built: Built, member: Member
) -> None:
    client = client_for(member("field", "fedir"))
    assert client.get(f"/staff/sites/{SLUG}/journal/").status_code == 403
    assert client.get(f"/staff/sites/{SLUG}/remains/").status_code == 200
    assert AccessEntry.objects.count() == 0


def test_an_administrator_lists_the_entries_per_person_and_per_record(
    built: Built, member: Member
) -> None:
    person = MissingPerson.objects.get()
    client_for(member("liaison", "oksana")).get(f"/staff/missing/{person.pk}/")
    client_for(member("board", "bohdan")).get(f"/staff/missing/{person.pk}/")
    client_for(User.objects.get(username="bohdan")).get(f"/staff/sites/{SLUG}/journal/")
    admin = client_for(member("admin", "adm"))
    by_person = admin.get("/api/staff/access", {"user": "bohdan"}).json()
    assert [e["record"] for e in by_person] == [
        f"casework.burialjournal:{SLUG}", f"families.missingperson:{person.pk}",
    ]  # fmt: skip
    by_record = admin.get("/api/staff/access", {"record": f"families.missingperson:{person.pk}"})
    assert sorted(e["user"] for e in by_record.json()) == ["bohdan", "oksana"]
    page = admin.get("/admin/access/accessentry/", {"username": "bohdan"}).content.decode()
    assert "families.missingperson:" in page
    board = client_for(User.objects.get(username="bohdan"))
    assert board.get("/api/staff/access").status_code == 403
