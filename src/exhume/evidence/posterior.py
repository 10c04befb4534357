"""The stated posterior: prior odds × DNA LR × each non-DNA LR, as a table.

``posterior odds = prior odds × LR_dna × Π LR_i`` and ``P = odds / (1 + odds)``, computed in
log10 so that LRs of 10^30 neither overflow nor lose the small factors. The DNA row comes first
and :attr:`Posterior.dna_only` gives the posterior from the DNA alone (the blind reading); the
other rows are added beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from exhume.errors import InvalidInputError
from exhume.evidence.factors import Factor


def default_prior_odds(n_missing_in_scope: int) -> float:
    """One over the number of missing persons in the search scope (the documented default)."""
    if n_missing_in_scope < 1:
        raise InvalidInputError("the search scope holds no missing person")
    return 1.0 / n_missing_in_scope


def probability(log10_odds: float) -> float:
    """``odds / (1 + odds)`` from log10 odds, without overflow."""
    if log10_odds >= 0:
        return 1.0 / (1.0 + math.pow(10.0, -log10_odds))
    odds = math.pow(10.0, log10_odds)
    return odds / (1.0 + odds)


@dataclass(frozen=True)
class Posterior:
    """Every factor, the prior and the product; ``rows`` is what the board and report show."""

    prior_odds: float
    prior_reason: str
    dna_log10_lr: float
    factors: tuple[Factor, ...]

    @property
    def log10_odds(self) -> float:
        return (
            math.log10(self.prior_odds)
            + self.dna_log10_lr
            + sum(math.log10(f.lr) for f in self.factors)
        )

    @property
    def probability(self) -> float:
        return probability(self.log10_odds)

    @property
    def dna_only(self) -> float:
        """The posterior from the prior and the DNA alone (the blind reading)."""
        return probability(math.log10(self.prior_odds) + self.dna_log10_lr)

    @property
    def non_dna_log10_lr(self) -> float:
        return sum(math.log10(f.lr) for f in self.factors)

    def rows(self) -> list[dict[str, object]]:
        """The table: prior, DNA, each factor, then the product (log10 and probability)."""
        table: list[dict[str, object]] = [
            {"name": "prior", "log10": math.log10(self.prior_odds), "value": self.prior_odds,
             "error_rate": None, "source": self.prior_reason, "detail": "prior odds"},
            {"name": "dna", "log10": self.dna_log10_lr, "value": _power(self.dna_log10_lr),
             "error_rate": None, "source": "kinship engine", "detail": "DNA likelihood ratio"},
        ]  # fmt: skip
        for f in self.factors:
            table.append({**f.as_dict(), "log10": math.log10(f.lr), "value": f.lr})
        table.append(
            {"name": "posterior", "log10": self.log10_odds, "value": self.probability,
             "error_rate": None, "source": "product", "detail": "posterior probability"}
        )  # fmt: skip
        return table

    def factor_lrs(self) -> dict[str, float]:
        """``{"dna": LR, "sex": LR, ...}``: several factors of one name multiply together."""
        out: dict[str, float] = {"dna": _power(self.dna_log10_lr)}
        for f in self.factors:
            out[f.name] = out.get(f.name, 1.0) * f.lr
        return out


def _power(log10: float) -> float:
    return 10.0**log10 if log10 < 308 else math.inf


def posterior(
    dna_log10_lr: float,
    factors: list[Factor] | tuple[Factor, ...],
    *,
    prior_odds: float,
    prior_reason: str,
) -> Posterior:
    """Combine; refuses a prior that is not a positive finite number or has no stated reason."""
    if not (prior_odds > 0 and math.isfinite(prior_odds)):
        raise InvalidInputError(
            f"prior odds {prior_odds} must be a positive number", field="prior_odds"
        )
    if not prior_reason.strip():
        raise InvalidInputError(
            "a prior needs its reason (the default: 1/missing persons in scope)"
        )
    for f in factors:
        if not (f.lr > 0 and math.isfinite(f.lr)):
            raise InvalidInputError(f"factor {f.name} has LR {f.lr}; every factor must be positive")
    return Posterior(prior_odds, prior_reason, dna_log10_lr, tuple(factors))
