"""Screening before the engine: the same LRs as the engine's pairwise, and the same search."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from exhume.identification.prescreen import SCREEN_MIN_LR, family_data, prescreen
from exhume.identification.search import search
from exhume.kinship.dvi import make_context, pairwise_lr
from exhume.kinship.dvijson import load_problem
from exhume.kinship.frequencies import (
    DEFAULT_MUTATION_KIND,
    DEFAULT_MUTATION_PARAMS,
    synthetic_frequencies,
    with_mutation,
)
from exhume.kinship.mislabel import simulate_mislabelled
from exhume.kinship.problem import DviProblem

MARKERS = with_mutation(synthetic_frequencies(), DEFAULT_MUTATION_KIND, **DEFAULT_MUTATION_PARAMS)


def _engine_log10(problem: DviProblem) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log10(pairwise_lr(make_context(problem)))


def test_each_missing_person_is_one_column_with_its_family_as_the_pedigree() -> None:
    problem = simulate_mislabelled(MARKERS, 3, n_families=6, n_unrelated=2).problem
    fam = family_data(problem)
    assert fam.family_shape.shape == (len(problem.missing),)
    assert len(fam.pedigrees) <= len(problem.missing)
    first = problem.family_of(problem.missing[0])
    assert fam.family_offset[1] == first.pedigree.n


def test_screened_pairs_are_every_pair_the_engine_puts_at_or_above_the_cut() -> None:
    problem = simulate_mislabelled(MARKERS, 4, n_families=8, n_unrelated=3).problem
    screened = prescreen(problem)
    engine = _engine_log10(problem)
    expected = set(
        zip(
            *np.nonzero(np.nan_to_num(engine, nan=-np.inf) >= math.log10(SCREEN_MIN_LR) + 1e-6),
            strict=True,
        )
    )
    found = set(zip(screened.victim.tolist(), screened.missing.tolist(), strict=True))
    assert expected <= found
    for i, j, x in zip(screened.victim, screened.missing, screened.log10_lr, strict=True):
        assert x == pytest.approx(engine[i, j], abs=1e-4)


def test_pairings_keep_the_problem_s_order_with_the_star_first(shared_data: Path) -> None:
    problem = load_problem(shared_data / "dvi-examples" / "planecrash.json")
    problem = replace(problem, pairings=None)
    pairings = prescreen(problem).pairings(problem)
    assert set(pairings) == {v.id for v in problem.victims}
    for listed in pairings.values():
        assert listed[0] == "*"
        assert list(listed[1:]) == [m for m in problem.missing if m in listed[1:]]


@pytest.mark.parametrize("seed", [5, 6])
def test_the_screened_search_finds_what_every_pair_through_the_engine_finds(seed: int) -> None:
    problem = simulate_mislabelled(MARKERS, seed, n_families=12, n_unrelated=3).problem
    fast, slow = search(problem), search(problem, exhaustive=True)

    def key(result: object) -> list[tuple[object, ...]]:
        return sorted(
            (c.victim, c.missing, c.conclusion, round(c.log10_lr, 9), c.exclusions)
            for c in result.candidates  # type: ignore[attr-defined]
        )

    assert key(fast) == key(slow) and fast.candidates
    assert sorted((f.kind, f.detail) for f in fast.flags) == sorted(
        (f.kind, f.detail) for f in slow.flags
    )
    assert fast.pairs_computed < slow.pairs_computed
