"""Every write goes through an action that validates and appends its audit entry atomically."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from exhume.audit.models import LogEntry
from exhume.casework.actions import do_correct_remains, do_record_grave, do_record_journal_entry
from exhume.casework.models import Remains
from exhume.errors import InvalidInputError
from exhume.publication.queries import site_summary

pytestmark = pytest.mark.django_db


def test_recording_remains_appends_one_log_entry_with_its_category(
    make_site: Any, make_remains: Any
) -> None:
    site = make_site()
    remains = make_remains(site, status="serviceman", sex="male")
    entry = LogEntry.objects.get(record_type="casework.remains", record_id=str(remains.pk))
    assert entry.action == "create"
    assert entry.version == 1
    assert entry.actor_role == "field"
    assert entry.category == {
        "kind": "person", "group": "servicemen", "violent_death": True, "torture": False,
        "exhumed_on": "2022-09-16", "identified": False,
    }  # fmt: skip
    assert len(entry.commitment) == 64
    assert list(LogEntry.objects.values_list("seq", flat=True)) == [0, 1]  # site, remains


def test_a_refused_record_writes_nothing(make_site: Any, make_remains: Any) -> None:
    site = make_site()
    before = LogEntry.objects.count()
    with pytest.raises(InvalidInputError) as err:
        make_remains(site, age_class="child", age_min=40, age_max=45)
    assert err.value.field == "age_class"
    assert Remains.objects.count() == 0
    assert LogEntry.objects.count() == before


def test_it_refuses_a_duplicate_case_number_within_a_site(
    make_site: Any, make_remains: Any
) -> None:
    site = make_site()
    make_remains(site, case_number="IZ-1")
    with pytest.raises(InvalidInputError, match="already exists"):
        make_remains(site, case_number="IZ-1")


def test_it_refuses_an_unknown_sex_naming_the_field(make_site: Any, make_remains: Any) -> None:
    with pytest.raises(InvalidInputError) as err:
        make_remains(make_site(), sex="unknown")
    assert err.value.field == "sex"


def test_a_body_part_may_be_tied_to_a_body_and_is_not_counted(
    make_site: Any, make_remains: Any
) -> None:
    site = make_site()
    body = make_remains(site)
    make_remains(site, kind="body_part", body=body, sex="undetermined", status="undetermined")
    make_remains(site, kind="body_part", sex="undetermined", status="undetermined")
    summary = site_summary(site)
    assert (summary.total, summary.body_parts_unassociated) == (1, 1)


def test_a_body_part_cannot_be_recorded_as_a_serviceman(make_site: Any, make_remains: Any) -> None:
    with pytest.raises(InvalidInputError, match="cannot be counted as a person on its own"):
        make_remains(make_site(), kind="body_part", status="serviceman")


def test_a_correction_is_a_new_version_superseding_the_last_entry(
    make_site: Any, make_remains: Any, actor: Any
) -> None:
    site = make_site()
    remains = make_remains(site, sex="undetermined")
    first = LogEntry.objects.get(record_type="casework.remains", record_id=str(remains.pk))
    corrected = do_correct_remains(
        actor, remains, reason="pelvis examined", authority="chief pathologist", sex="male"
    )
    assert corrected.version == 2
    last = LogEntry.objects.order_by("-seq").first()
    assert last is not None
    assert (last.action, last.version, last.supersedes_id) == ("correct", 2, first.pk)
    assert last.reason == "pelvis examined"
    assert site_summary(site).men == 1


def test_a_correction_without_a_reason_is_refused(
    make_site: Any, make_remains: Any, actor: Any
) -> None:
    remains = make_remains(make_site())
    with pytest.raises(InvalidInputError, match="a correction needs a reason"):
        do_correct_remains(actor, remains, reason=" ", authority="x", sex="male")


def test_an_invalid_correction_leaves_the_record_unchanged(
    make_site: Any, make_remains: Any, actor: Any
) -> None:
    remains = make_remains(make_site(), age_min=30, age_max=40)
    with pytest.raises(InvalidInputError, match="child"):
        do_correct_remains(actor, remains, reason="r", authority="a", age_class="child")
    remains.refresh_from_db()
    assert (remains.age_class, remains.version) == ("adult", 1)


def test_a_journal_entry_is_tied_to_the_grave_with_its_number(make_site: Any, actor: Any) -> None:
    site = make_site()
    grave = do_record_grave(actor, site=site, grave_number="12")
    entry = do_record_journal_entry(
        actor, site=site, grave_number=" 12 ", name_as_written="Мельник О."
    )
    orphan = do_record_journal_entry(actor, site=site, grave_number="999", name_as_written="Бойко")
    assert entry.grave == grave
    assert orphan.grave is None


def test_running_counts_follow_exhumation_dates(make_site: Any, make_remains: Any) -> None:
    site = make_site()
    for day in (16, 16, 17, 19):
        make_remains(site, exhumed_on=dt.date(2022, 9, day))
    summary = site_summary(site, as_of=dt.date(2022, 9, 18))
    assert summary.total == 3
    assert [(d.date, d.total) for d in site_summary(site).running] == [
        ("2022-09-16", 2), ("2022-09-17", 3), ("2022-09-19", 4),
    ]  # fmt: skip


def test_graves_and_journal_lines_are_corrected_as_new_versions(make_site: Any, actor: Any) -> None:
    from exhume.casework.actions import do_correct_grave, do_correct_journal_entry

    site = make_site()
    grave = do_record_grave(actor, site=site, grave_number="17")
    line = do_record_journal_entry(actor, site=site, grave_number="17", name_as_written="Бойко")
    grave = do_correct_grave(actor, grave, reason="cross re-read", authority="site lead",
                             inscription="№ 17")  # fmt: skip
    line = do_correct_journal_entry(actor, line, reason="page re-read", authority="site lead",
                                    name_as_written="Бойко Олена")  # fmt: skip
    assert (grave.version, line.version) == (2, 2)
    actions = list(LogEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["correct", "correct"]


def test_a_missing_person_report_correction_is_checked(actor: Any) -> None:
    from exhume.families.actions import do_correct_missing_person, do_report_missing_person

    person = do_report_missing_person(actor, family_name="Мельник", birth_year=1950)
    with pytest.raises(InvalidInputError, match="birth year 1950 contradicts birth date"):
        do_correct_missing_person(actor, person, reason="r", authority="a",
                                  birth_date=dt.date(1951, 1, 2))  # fmt: skip
