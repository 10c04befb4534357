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
from exhume.evidence.journal import journal_factor, names_nobody
from exhume.families.models import MissingPerson
from exhume.identification.models import Recognition
from exhume.names.match import (
    CLOSE,
    SAME,
    NameClass,
    match_written,
    parse_written,
    word_similarity,
)


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
    journal, journal_row = best_journal_line(remains, person)
    buried = (journal.burial_date if journal else None) or remains.exhumed_on
    factors = [
        sex_factor(remains.sex, sex_method, person.sex, share_of_reported=share,
                   source=f"{case}, sex by {sex_method}"),
        age_factor(remains.age_min, remains.age_max, possible, scope.ages, source=case),
        journal_row,
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


def journal_lines(remains: Remains) -> list[BurialJournalEntry]:
    """The journal's lines for the remains' grave (several when it holds several bodies)."""
    if remains.grave is None:
        return []
    return list(BurialJournalEntry.objects.filter(grave=remains.grave).order_by("id"))


def best_journal_line(
    remains: Remains, person: MissingPerson
) -> tuple[BurialJournalEntry | None, Factor]:
    """The journal factor of the grave's line that agrees best with the person's name (a grave
    of two bodies has two lines; the other body's line says nothing against this person), and
    that line; LR 1 ("no journal line") when the grave has none."""
    best: tuple[BurialJournalEntry | None, Factor] | None = None
    for line in journal_lines(remains):
        factor = journal_factor(line.name_as_written, person.family_name, person.given_name,
                                person.patronymic,
                                source=f"burial journal p.{line.page} l.{line.line}")  # fmt: skip
        if best is None or factor.lr > best[1].lr:
            best = (line, factor)
    if best is None:
        return None, journal_factor(
            None, person.family_name, source=f"remains {remains.case_number}"
        )
    return best


def report_reference(person: MissingPerson) -> str:
    """A missing person's report reference (never the name): the external reference (the
    dvi-json missing id when imported), or the report number."""
    return str(person.external_reference or "") or f"report-{person.pk}"


def journal_disagreement(
    remains: Remains, person: MissingPerson, persons: list[MissingPerson]
) -> str | None:
    """Why the journal disagrees with the DNA candidate ``person``, or ``None``.

    Only a disagreement that means something is reported: no line of the grave agrees with
    the candidate's name, and a line names another missing person in scope (the same name or
    a spelling of it), or writes another family name (similarity below
    :data:`~exhume.names.match.CLOSE`). A line naming nobody, the same family name with another
    given name (a relative?), or a grave without a line are left to the factor alone."""
    line, factor = best_journal_line(remains, person)
    if line is None or factor.inputs.get("class") != NameClass.MISMATCH.value:
        return None
    lines = [x for x in journal_lines(remains) if not names_nobody(x.name_as_written)]
    for x in lines:
        for other in persons:
            if other.pk == person.pk:
                continue
            found = match_written(
                x.name_as_written, other.family_name, other.given_name, other.patronymic
            ).name_class
            if found in (NameClass.EXACT, NameClass.CLOSE):
                return (
                    f"burial journal p.{x.page} l.{x.line} names missing person "
                    f"{report_reference(other)} ({found.value}), not the DNA candidate "
                    f"{report_reference(person)}"
                )
    for x in lines:
        family = parse_written(x.name_as_written).family
        similarity = word_similarity(family, person.family_name) if family else 100.0
        if similarity < CLOSE:
            return (
                f"burial journal p.{x.page} l.{x.line} gives another family name than the DNA "
                f"candidate {report_reference(person)}'s (similarity {similarity:.0f} of 100)"
            )
    return None
