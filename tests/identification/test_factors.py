"""Non-DNA factors read from the records: journal line of the grave, recognitions, age, place."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from exhume.identification.factors import pair_factors, same_place, scope_of
from tests.identification.conftest import SYSTEM


@pytest.fixture
def grave_body(db: Any, make_site: Any, make_remains: Any) -> Any:
    from exhume.casework.actions import do_record_grave, do_record_journal_entry

    site = make_site(
        place="Izium, Kharkiv oblast, Ukraine", exhumation_started_on=dt.date(2022, 9, 16)
    )
    grave = do_record_grave(SYSTEM, site=site, grave_number="12")
    do_record_journal_entry(SYSTEM, site=site, grave_number="12", name_as_written="Бойко І.П.",
                            burial_date=dt.date(2022, 4, 2), page=1, line=3)  # fmt: skip
    return make_remains(site, grave=grave, age_class="adult", age_min=40, age_max=55)


def _by_name(factors: list[Any]) -> dict[str, Any]:
    return {f.name: f for f in factors}


def test_the_journal_line_of_the_grave_is_compared_with_the_person(
    grave_body: Any, make_person: Any
) -> None:
    right = make_person("Бойко", given_name="Ірина", patronymic="Петрівна",
                        birth_year=1975, last_seen_on=dt.date(2022, 3, 20),
                        last_seen_place="м. Ізюм, вул. Соборна")  # fmt: skip
    wrong = make_person("Мельник", given_name="Олена")
    scope = scope_of(grave_body.site, [right, wrong])
    good = _by_name(pair_factors(grave_body, right, scope))
    bad = _by_name(pair_factors(grave_body, wrong, scope))
    assert good["journal"].inputs["class"] == "initials" and good["journal"].lr > 10
    assert bad["journal"].inputs["class"] == "mismatch" and bad["journal"].lr < 0.1
    assert good["age"].lr > 1 and good["time"].lr > 1
    assert good["journal"].source == "burial journal p.1 l.3"


def test_recognitions_are_factors_with_their_liaison_source(
    grave_body: Any, make_person: Any
) -> None:
    from exhume.identification.actions import do_record_recognition

    person = make_person("Бойко")
    liaison = type(SYSTEM)("liaison-1", "liaison")
    shown = dt.date(2022, 10, 1)
    do_record_recognition(
        liaison, remains=grave_body, missing_person=person, item="ring", strength="strong",
        shown_on=shown,
    )  # fmt: skip
    factors = _by_name(pair_factors(grave_body, person, scope_of(grave_body.site, [person])))
    assert factors["recognition"].lr == pytest.approx(100)
    assert factors["recognition"].source.startswith("family liaison liaison-1")


def test_a_last_seen_place_matches_the_settlement_across_scripts() -> None:
    assert same_place("м. Ізюм, вул. Соборна", "Izium") is True
    assert same_place("Харків", "Izium") is False
    assert same_place("", "Izium") is None


@pytest.fixture
def journal_grave(db: Any, make_site: Any, make_remains: Any) -> Any:
    from exhume.casework.actions import do_record_grave, do_record_journal_entry

    site = make_site(place="Izium, Kharkiv oblast, Ukraine")
    grave = do_record_grave(SYSTEM, site=site, grave_number="7")

    def line(written: str) -> Any:
        do_record_journal_entry(SYSTEM, site=site, grave_number="7", name_as_written=written,
                                burial_date=dt.date(2022, 4, 2), page=2, line=5)  # fmt: skip
        return make_remains(site, grave=grave)

    return line


def test_the_journal_disagrees_when_it_names_another_missing_person(
    journal_grave: Any, make_person: Any
) -> None:
    from exhume.identification.factors import journal_disagreement

    body = journal_grave("Бойко Ірина Петрівна")
    dna = make_person("Бойко", given_name="Олена", external_reference="F1/MP")
    other = make_person("Бойко", given_name="Ірина", patronymic="Петрівна",
                        external_reference="F2/MP")  # fmt: skip
    why = journal_disagreement(body, dna, [dna, other])
    assert why == (
        "burial journal p.2 l.5 names missing person F2/MP (exact), not the DNA candidate F1/MP"
    )
    assert journal_disagreement(body, dna, [dna]) is None  # a relative? the factor says it
    assert journal_disagreement(body, other, [dna, other]) is None


def test_the_journal_disagrees_strongly_with_another_family_name(
    journal_grave: Any, make_person: Any
) -> None:
    from exhume.identification.factors import journal_disagreement

    body = journal_grave("Мельник І.П.")
    dna = make_person("Шевченко", given_name="Ірина", external_reference="F1/MP")
    why = journal_disagreement(body, dna, [dna])
    assert why is not None and why.startswith("burial journal p.2 l.5 gives another family name")
    assert "Мельник" not in why and "Шевченко" not in why


def test_a_journal_line_naming_nobody_and_a_grave_of_two_never_disagree(
    journal_grave: Any, make_person: Any
) -> None:
    from exhume.identification.factors import best_journal_line, journal_disagreement

    assert journal_disagreement(journal_grave("невідомий"), make_person("Бойко"), []) is None
    body = journal_grave("Бойко Ірина")  # the grave now has two lines
    person = make_person("Бойко", given_name="Ірина")
    line, factor = best_journal_line(body, person)
    assert line is not None and line.name_as_written == "Бойко Ірина"
    assert factor.inputs["class"] == "exact"
    assert journal_disagreement(body, person, [person]) is None
