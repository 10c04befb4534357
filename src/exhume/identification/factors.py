"""The non-DNA factors of a pair, read from the case records (the formulas are in
:mod:`exhume.evidence`; this module only gathers their inputs and names their sources)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from exhume.casework.models import BurialJournalEntry, Remains, Site
from exhume.evidence.factors import (
    Factor,
    Strength,
    age_at,
    age_factor,
    capped_recognition,
    place_factor,
    recognition_factor,
    sex_factor,
    time_factor,
)
from exhume.evidence.journal import journal_factor
from exhume.families.models import MissingPerson
from exhume.identification.models import Recognition
from exhume.names.match import SAME, word_similarity


@dataclass(frozen=True)
class Scope:
    """What the base rates are taken from: the missing persons in the search scope."""

    n_missing: int
    ages: list[int]
    last_seen: list[dt.date]
    share_female: float
    share_same_place: float
    settlement: str


def settlement_of(site: Site) -> str:
    """The settlement of a site's place ("Izium, Kharkiv oblast, Ukraine" -> "Izium")."""
    return site.place.split(",")[0].strip()


def same_place(last_seen_place: str, settlement: str) -> bool | None:
    """Whether a last-seen place names the settlement (any word, across scripts)."""
    words = [w for w in last_seen_place.replace(",", " ").split() if len(w) > 2]
    if not words or not settlement:
        return None
    return any(word_similarity(w, settlement) >= SAME for w in words)


def scope_of(site: Site, persons: list[MissingPerson]) -> Scope:
    """Base rates from the missing persons in scope (their ages, dates and places)."""
    on = site.exhumation_started_on or dt.date.today()
    ages = [a[0] for p in persons if (a := age_at(p.birth_date or p.birth_year,
                                                  p.last_seen_on or on))]  # fmt: skip
    settlement = settlement_of(site)
    places = [same_place(p.last_seen_place, settlement) for p in persons]
    known = [x for x in places if x is not None]
    sexes = [p.sex for p in persons if p.sex in {"male", "female"}]
    return Scope(
        n_missing=len(persons),
        ages=ages,
        last_seen=[p.last_seen_on for p in persons if p.last_seen_on],
        share_female=(sexes.count("female") / len(sexes)) if sexes else 0.5,
        share_same_place=(sum(known) / len(known)) if known else 0.5,
        settlement=settlement,
    )


def pair_factors(
    remains: Remains, person: MissingPerson, scope: Scope, *, sex_method: str = "unknown"
) -> list[Factor]:
    """Sex, age, journal, recognitions (capped), place and time, each with its source."""
    case = f"remains {remains.case_number}"
    share = scope.share_female if person.sex == "female" else 1 - scope.share_female
    possible = age_at(person.birth_date or person.birth_year,
                      person.last_seen_on or remains.exhumed_on)  # fmt: skip
    journal = _journal_line(remains)
    buried = (journal.burial_date if journal else None) or remains.exhumed_on
    factors = [
        sex_factor(remains.sex, sex_method, person.sex, share_of_reported=share,
                   source=f"{case}, sex by {sex_method}"),
        age_factor(remains.age_min, remains.age_max, possible, scope.ages, source=case),
        journal_factor(
            journal.name_as_written if journal else None, person.family_name, person.given_name,
            person.patronymic,
            source=f"burial journal p.{journal.page} l.{journal.line}" if journal else case,
        ),
        place_factor(same_place(person.last_seen_place, scope.settlement),
                     scope.share_same_place, source="missing-person report: last seen place"),
        time_factor(person.last_seen_on, buried, scope.last_seen,
                    source="missing-person report: last seen date"),
    ]  # fmt: skip
    shown = Recognition.objects.filter(remains=remains, missing_person=person)
    factors.extend(capped_recognition([
        recognition_factor(Strength(r.strength), source=f"family liaison {r.shown_by}, "
                           f"{r.shown_on.isoformat()}", item=r.item)
        for r in shown
    ]))  # fmt: skip
    return factors


def _journal_line(remains: Remains) -> BurialJournalEntry | None:
    grave = remains.grave
    if grave is None:
        return None
    return BurialJournalEntry.objects.filter(grave=grave).order_by("id").first()
