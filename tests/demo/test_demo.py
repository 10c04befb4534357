"""The synthetic demo reproduces the published Izium figures exactly."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from exhume.casework.models import BurialJournalEntry, Grave, Remains, Site
from exhume.casework.queries import get_site
from exhume.demo.scenario import build_plan
from exhume.publication.queries import site_summary

pytestmark = pytest.mark.django_db


def test_the_izium_demo_has_the_published_breakdown(izium_demo: Any) -> None:
    s = site_summary(get_site("izium"))
    assert (s.total, s.women, s.men, s.sex_undetermined, s.children, s.servicemen) == (
        447, 215, 194, 11, 5, 22,
    )  # fmt: skip
    assert s.with_torture_signs == 30
    assert s.violent_death_share >= 0.99


def test_the_demo_follows_the_published_running_totals(izium_demo: Any) -> None:
    site = get_site("izium")
    totals = {d.date: d.total for d in site_summary(site).running}
    assert (totals["2022-09-20"], totals["2022-09-22"], totals["2022-09-23"]) == (263, 436, 447)
    assert min(totals) == "2022-09-16"
    assert site_summary(site, as_of=dt.date(2022, 9, 20)).total == 263


def test_the_demo_has_445_numbered_graves_and_a_collective_grave_of_17(izium_demo: Any) -> None:
    site = get_site("izium")
    assert site.graves.filter(kind="individual").count() == 445
    collective = Grave.objects.get(site=site, kind="collective")
    assert collective.remains.filter(status="serviceman").count() == 17


def test_the_demo_is_labelled_synthetic_everywhere(izium_demo: Any) -> None:
    assert Site.objects.count() == 3
    assert not Site.objects.filter(is_synthetic=False).exists()
    assert all("synthetic" in s.name for s in Site.objects.all())


def test_the_journal_covers_most_graves_with_gaps_and_orphans(izium_demo: Any) -> None:
    site = get_site("izium")
    entries = BurialJournalEntry.objects.filter(site=site)
    covered = entries.exclude(grave=None).values("grave").distinct().count()
    assert 0.85 * 445 < covered < 445
    assert entries.filter(grave=None).count() >= 5
    assert entries.filter(name_as_written__contains=".").exists()  # initials


def test_body_parts_are_present_but_not_counted(izium_demo: Any) -> None:
    parts = Remains.objects.filter(site__slug="izium", kind="body_part")
    assert parts.count() == 6
    assert site_summary(get_site("izium")).body_parts_unassociated == 3


def test_the_plan_is_deterministic_from_the_seed() -> None:
    assert build_plan(7).journal == build_plan(7).journal
    assert build_plan(7).remains == build_plan(7).remains
    assert build_plan(7).journal != build_plan(8).journal
