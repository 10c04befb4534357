"""Non-DNA factors: closed forms of the consistency factor, sex, age, time, place, recognition."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exhume.errors import InvalidInputError
from exhume.evidence.factors import (
    RECOGNITION_CAP,
    SEX_ERROR_RATE,
    Strength,
    age_at,
    age_factor,
    capped_recognition,
    consistency_lr,
    place_factor,
    recognition_factor,
    sex_factor,
    time_factor,
)

SRC = "test"


def test_the_consistency_factor_has_its_closed_form() -> None:
    assert consistency_lr(True, 0.05, 0.25) == pytest.approx(0.95 / 0.25)
    assert consistency_lr(False, 0.05, 0.25) == pytest.approx(0.05 / 0.75)


@given(st.floats(0.001, 0.5), st.floats(0.01, 0.99))
def test_the_consistency_factor_is_a_likelihood_ratio(e: float, q: float) -> None:
    """Its expectation under H2 is 1: q·LR(consistent) + (1-q)·LR(inconsistent) = 1."""
    expected = q * consistency_lr(True, e, q) + (1 - q) * consistency_lr(False, e, q)
    assert expected == pytest.approx(1.0)


def test_it_refuses_an_error_rate_of_zero() -> None:
    with pytest.raises(InvalidInputError, match="strictly between 0 and 1"):
        consistency_lr(False, 0.0, 0.5)


def test_sex_by_amelogenin_agreeing_doubles_the_odds_less_its_error() -> None:
    f = sex_factor("male", "dna_amelogenin", "male", source=SRC)
    assert f.lr == pytest.approx(2 * (1 - 0.005))
    assert f.error_rate == SEX_ERROR_RATE["dna_amelogenin"]


def test_a_sex_contradiction_is_weaker_evidence_against_from_morphology_than_from_dna() -> None:
    dna = sex_factor("female", "dna_amelogenin", "male", source=SRC)
    skull = sex_factor("female", "morphology_skull", "male", source=SRC)
    assert dna.lr == pytest.approx(2 * 0.005)
    assert skull.lr == pytest.approx(2 * 0.12)
    assert 0 < dna.lr < skull.lr < 1


def test_undetermined_sex_is_not_informative() -> None:
    f = sex_factor("undetermined", "morphology_pelvis", "male", source=SRC)
    assert f.lr == 1.0 and f.error_rate is None and "not informative" in f.detail


def test_age_from_a_birth_year_allows_two_ages() -> None:
    assert age_at(1970, dt.date(2022, 3, 1)) == (51, 52)
    assert age_at(dt.date(1970, 5, 2), dt.date(2022, 3, 1)) == (51, 51)


def test_age_base_rate_is_the_smoothed_share_of_the_scope_in_the_range() -> None:
    scope = [20, 30, 40, 50, 60, 70, 80, 90]  # 3 of 8 in 40-60
    f = age_factor(40, 60, (51, 52), scope, source=SRC)
    assert f.inputs["base_rate"] == pytest.approx(4 / 10)
    assert f.lr == pytest.approx(0.95 / 0.4)
    out = age_factor(20, 30, (51, 52), scope, source=SRC)
    assert out.lr == pytest.approx(0.05 / (1 - 3 / 10))


def test_last_seen_after_burial_counts_against() -> None:
    scope = [dt.date(2022, 3, d) for d in range(1, 9)]
    f = time_factor(dt.date(2022, 9, 1), dt.date(2022, 5, 1), scope, source=SRC)
    assert f.lr == pytest.approx(0.02 / (1 - 9 / 10))
    g = time_factor(dt.date(2022, 3, 1), dt.date(2022, 5, 1), scope, source=SRC)
    assert g.lr == pytest.approx(0.98 / (9 / 10))


def test_place_says_little_when_everyone_in_scope_was_seen_there() -> None:
    assert place_factor(True, 1.0, source=SRC).lr == pytest.approx(0.85 / 0.99)
    assert place_factor(None, 0.5, source=SRC).lr == 1.0


def test_recognition_lr_is_sensitivity_over_false_recognition() -> None:
    assert recognition_factor(Strength.STRONG, source=SRC, item="tattoo").lr == pytest.approx(100)
    assert recognition_factor(Strength.NOT_RECOGNISED, source=SRC, item="ring").lr < 1


def test_recognitions_together_are_capped_and_say_so() -> None:
    items = [recognition_factor(Strength.STRONG, source=SRC, item=f"item {i}") for i in range(3)]
    capped = capped_recognition(items)
    assert math.prod(f.lr for f in capped) == pytest.approx(RECOGNITION_CAP)
    assert sum("capped" in f.detail for f in capped) == 1
    assert capped_recognition(items[:1]) == items[:1]
