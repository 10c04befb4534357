"""Which (body, missing person) pairs are worth the full engine: the screening engine over a
site's problem (pure, engine types only).

:func:`exhume.kinship.screening.screen` gives, for every body against every missing person
with a typed reference, the same pairwise log LR as the engine's
``loglik(family with M = body) - loglik(family) - loglik(body)`` (table look-ups instead of a
pedigree likelihood per pair). A pair is a *candidate* when its LR is at least
:data:`SCREEN_MIN_LR` (1/100); the engine's pairwise LRs, exclusions and the joint solve are
then computed for candidates only (:func:`exhume.identification.search.search`).

Why a cut of 1 would lose nothing the solver concludes: an Undisputed pair needs ``LR >= T``
(``T = 10^4``) with every other LR in its row and column at most ``LR / T >= 1``, so a pair
below 1 can neither be concluded nor dispute one; a simple family's *Probable* and *Disputed*
need ``LR > T / 10``; a joint table's GLR compares its best assignments, and placing a body
of LR below 1 is less likely than leaving it out. Pairs below 1 would only ever appear as
*Inconclusive* or *No match*, which propose nothing. A transfer inside a family of several
missing persons (a father and son killed together) changes the other members' LRs, hence the
hundredfold margin below 1. On the demo 615 of 133,635 pairs pass, and the search finds the
same 262 candidates, flags and conclusions as with every pair through the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from exhume.kinship.problem import DviProblem
from exhume.kinship.screening import ScreeningParams, screen
from exhume.kinship.screeningdvi import family_data

__all__ = ["SCREEN_MIN_LR", "Screened", "family_data", "prescreen"]

#: Least pairwise LR at which a pair goes on to the full engine: 1 is enough (see the module
#: docstring); a hundredfold margin keeps pairs that a transfer in their family may lift.
SCREEN_MIN_LR = 0.01


@dataclass(frozen=True)
class Screened:
    """Candidate pairs (victim index, missing index) and their screening log10 LRs."""

    victim: NDArray[np.int64]
    missing: NDArray[np.int64]
    log10_lr: NDArray[np.float64]
    pairs_screened: int

    def pairings(self, problem: DviProblem) -> dict[str, tuple[str, ...]]:
        """dvir-style pairings: ``*`` and each victim's candidates in the problem's order."""
        chosen: dict[int, set[int]] = {}
        for i, j in zip(self.victim.tolist(), self.missing.tolist(), strict=True):
            chosen.setdefault(i, set()).add(j)
        return {
            v.id: ("*", *(problem.missing[j] for j in sorted(chosen.get(i, ()))))
            for i, v in enumerate(problem.victims)
        }


def prescreen(problem: DviProblem, *, min_lr: float = SCREEN_MIN_LR, threads: int = 1) -> Screened:
    """Every body against every missing person; the pairs at or above ``min_lr`` (sex
    compatible, references possible) are the candidates, sorted by victim then missing."""
    n_vic, n_mis = len(problem.victims), len(problem.missing)
    if not n_vic or not n_mis:
        e = np.zeros(0, dtype=np.int64)
        return Screened(e, e, np.zeros(0), 0)
    bodies = np.stack([v.genotypes for v in problem.victims]).astype(np.int64)
    sexes = np.array([v.sex for v in problem.victims], dtype=np.int64)
    params = ScreeningParams(top=1, threshold=min_lr, threads=threads, memory_mb=512)
    result = screen(family_data(problem), bodies, sexes, params)
    order = np.lexsort((result.pair_family, result.pair_body))
    return Screened(
        result.pair_body[order].astype(np.int64),
        result.pair_family[order].astype(np.int64),
        result.pair_log_lr[order] / np.log(10.0),
        n_vic * n_mis,
    )
