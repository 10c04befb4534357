"""``exhume demo`` rebuilds only a database of its own: real reports and accounts are never
flushed (the demo refuses, changing nothing)."""

from __future__ import annotations

from typing import Any

import pytest

from exhume.casework.models import Site
from exhume.demo.reset import reset_demo_database
from exhume.demo.scenario import SYNTHETIC
from exhume.errors import InvalidInputError
from exhume.families.actions import do_report_missing_person
from exhume.families.models import MissingPerson

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def previous_demo(make_site: Any, make_remains: Any, actor: Any, django_user_model: Any) -> None:
    make_remains(make_site("izium", is_synthetic=True, description=SYNTHETIC))
    do_report_missing_person(actor, family_name="Демо", description=SYNTHETIC)
    django_user_model.objects.create_user("demo", password="demo-exhume")


def test_a_database_holding_only_a_previous_demo_is_emptied(
    previous_demo: None, django_user_model: Any
) -> None:
    reset_demo_database(demo_users={"demo"})
    assert (Site.objects.count(), MissingPerson.objects.count()) == (0, 0)
    assert django_user_model.objects.count() == 0


def test_it_refuses_to_flush_a_real_missing_person_report(previous_demo: None, actor: Any) -> None:
    do_report_missing_person(actor, family_name="Кривоніс", description="reported by his sister")
    with pytest.raises(InvalidInputError, match=r"1 missing-person report\(s\) not made"):
        reset_demo_database(demo_users={"demo"})
    assert (Site.objects.count(), MissingPerson.objects.count()) == (1, 2)


def test_it_refuses_to_flush_a_user_account(previous_demo: None, django_user_model: Any) -> None:
    django_user_model.objects.create_user("olena", password="pw")
    with pytest.raises(InvalidInputError, match=r"1 user account\(s\) \(olena\)"):
        reset_demo_database(demo_users={"demo"})
    assert django_user_model.objects.filter(username="olena").exists()
    assert Site.objects.count() == 1


def test_it_refuses_a_database_with_a_real_site(make_site: Any) -> None:
    make_site("kamianka")
    with pytest.raises(InvalidInputError, match=r"1 real site\(s\) \(kamianka\)"):
        reset_demo_database(demo_users={"demo"})
    assert Site.objects.count() == 1


def test_it_refuses_to_flush_a_report_a_family_sent_through_the_portal(
    previous_demo: None,
) -> None:
    from exhume.portal.actions import do_submit_report
    from exhume.portal.models import FamilyReport

    do_submit_report(language="uk", reporter_name="Оксана", reporter_contact="+380",
                     family_name="Коваль")  # fmt: skip
    with pytest.raises(InvalidInputError, match=r"1 report\(s\) sent by families"):
        reset_demo_database(demo_users={"demo"})
    assert FamilyReport.objects.count() == 1 and Site.objects.count() == 1
