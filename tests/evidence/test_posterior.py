"""The stated posterior: prior × DNA × factors, the DNA alone first, and the table."""

from __future__ import annotations

import math

import pytest

from exhume.errors import InvalidInputError
from exhume.evidence.factors import Factor
from exhume.evidence.posterior import default_prior_odds, posterior, probability


def _factor(name: str, lr: float) -> Factor:
    return Factor(name, lr, 0.01, "test", name)


def test_the_posterior_is_the_product_of_prior_dna_and_every_factor() -> None:
    p = posterior(
        4.0, [_factor("sex", 2.0), _factor("age", 0.5)], prior_odds=0.01, prior_reason="1/100"
    )
    odds = 0.01 * 1e4 * 2.0 * 0.5
    assert p.log10_odds == pytest.approx(math.log10(odds))
    assert p.probability == pytest.approx(odds / (1 + odds))
    assert p.dna_only == pytest.approx(100 / 101)


def test_the_table_shows_prior_dna_each_factor_and_the_product() -> None:
    p = posterior(3.0, [_factor("sex", 2.0)], prior_odds=0.1, prior_reason="1/10")
    rows = p.rows()
    assert [r["name"] for r in rows] == ["prior", "dna", "sex", "posterior"]
    assert rows[-1]["value"] == pytest.approx(200 / 201)
    assert p.factor_lrs() == {"dna": pytest.approx(1000.0), "sex": 2.0}


def test_huge_lrs_do_not_overflow() -> None:
    p = posterior(400.0, [], prior_odds=1e-5, prior_reason="1/100000")
    assert p.probability == 1.0 and p.factor_lrs()["dna"] == math.inf
    assert probability(-400.0) == 0.0


def test_the_default_prior_is_one_over_the_missing_in_scope() -> None:
    assert default_prior_odds(447) == 1 / 447
    with pytest.raises(InvalidInputError, match="no missing person"):
        default_prior_odds(0)


def test_it_refuses_a_prior_without_a_reason_or_a_zero_factor() -> None:
    with pytest.raises(InvalidInputError, match="reason"):
        posterior(4.0, [], prior_odds=0.5, prior_reason=" ")
    with pytest.raises(InvalidInputError, match="factor sex"):
        posterior(4.0, [_factor("sex", 0.0)], prior_odds=0.5, prior_reason="x")
