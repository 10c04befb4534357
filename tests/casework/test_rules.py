"""Refusal of inconsistent remains records, with the exact messages people will read."""

from __future__ import annotations

import pytest

from exhume.casework import rules
from exhume.errors import InvalidInputError


def test_it_refuses_a_child_aged_40() -> None:
    with pytest.raises(InvalidInputError) as err:
        rules.check_age("child", 40, 45)
    assert err.value.field == "age_class"
    assert err.value.message == (
        "age class 'child' contradicts an estimated age of at least 40 years: a child is under "
        "18; set the age class to adult or correct the age"
    )


def test_it_refuses_an_adult_aged_ten() -> None:
    with pytest.raises(
        InvalidInputError, match=r"age class 'adult' contradicts .* at most 12 years"
    ):
        rules.check_age("adult", 8, 12)


def test_it_refuses_a_reversed_age_range() -> None:
    with pytest.raises(InvalidInputError, match="range 50–40 is reversed"):
        rules.check_age("adult", 50, 40)


def test_it_accepts_an_undetermined_age_class_with_any_range() -> None:
    rules.check_age("undetermined", 10, 30)


def test_it_refuses_an_unknown_torture_indicator() -> None:
    with pytest.raises(InvalidInputError, match="unknown torture indicator 'tickling'") as err:
        rules.check_torture(["bound_hands", "tickling"])
    assert err.value.field == "torture_indicators"


def test_it_refuses_a_violent_cause_with_no_violent_death() -> None:
    with pytest.raises(InvalidInputError, match="cause of death 'gunshot' is violent"):
        rules.check_cause("gunshot", "no")


def test_it_refuses_a_body_part_counted_as_a_person_on_its_own() -> None:
    with pytest.raises(InvalidInputError) as err:
        rules.check_person_fields_on_part(kind="body_part", status="serviceman", age_class="adult")
    assert err.value.message.startswith(
        "a body part cannot be counted as a person on its own, so it cannot have status "
        "'serviceman'"
    )


def test_it_refuses_a_body_part_tied_to_another_body_part() -> None:
    with pytest.raises(InvalidInputError, match="only be tied to a complete body"):
        rules.check_body_part(
            kind="body_part", body_kind="body_part", body_site=1, site=1, is_self=False
        )


def test_it_refuses_a_complete_body_as_part_of_another() -> None:
    with pytest.raises(InvalidInputError, match="a complete body is a person of its own"):
        rules.check_body_part(kind="body", body_kind="body", body_site=1, site=1, is_self=False)
