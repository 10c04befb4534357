"""The DNA search on the engine's types: candidates, per-marker LRs, direct matches, flags."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from exhume.identification.search import PROPOSING, direct_matches, relationship, search
from exhume.kinship.dvi import make_context
from exhume.kinship.dvijson import load_problem
from exhume.kinship.frequencies import (
    DEFAULT_MUTATION_KIND,
    DEFAULT_MUTATION_PARAMS,
    synthetic_frequencies,
    with_mutation,
)
from exhume.kinship.mislabel import simulate_mislabelled
from exhume.kinship.pedigree import Pedigree
from exhume.kinship.problem import DviProblem, Victim
from exhume.kinship.solve import solve


@pytest.fixture
def planecrash(shared_data: Path) -> DviProblem:
    return load_problem(shared_data / "dvi-examples" / "planecrash.json")


def test_per_marker_lrs_sum_to_the_pairwise_lr(planecrash: DviProblem) -> None:
    result = search(planecrash)
    assert result.candidates
    for c in result.candidates:
        assert sum(c.per_marker.values()) == pytest.approx(c.pairwise_log10_lr, abs=1e-9)
        assert set(c.per_marker) == {m.name for m in planecrash.markers}


def test_a_duplicate_profile_is_a_direct_match(planecrash: DviProblem) -> None:
    first = planecrash.victims[0]
    twin = Victim("V-part", first.sex, first.genotypes.copy())
    problem = replace(planecrash, victims=(*planecrash.victims, twin), pairings=None)
    matches = direct_matches(problem)
    assert [(a, b) for a, b, _ in matches] == [(first.id, "V-part")]
    assert matches[0][2] > 10
    assert any(f.kind == "direct_match" for f in search(problem).flags)


def test_a_body_differing_at_one_marker_is_not_a_direct_match(planecrash: DviProblem) -> None:
    first = planecrash.victims[0]
    g = first.genotypes.copy()
    typed = int(np.flatnonzero(g[:, 0] >= 0)[0])
    n_alleles = len(planecrash.markers[typed].afreq)
    g[typed] = [(g[typed, 0] + 1) % n_alleles, (g[typed, 0] + 1) % n_alleles]
    problem = replace(planecrash, victims=(first, Victim("other", first.sex, g)), pairings=None)
    assert direct_matches(problem) == []


def test_relationships_are_read_from_the_pedigree() -> None:
    ids = ("F", "M", "X", "S", "C")
    fidx = np.array([0, 0, 1, 1, 0])
    midx = np.array([0, 0, 2, 2, 0])
    sex = np.array([1, 2, 1, 2, 0], dtype=np.int8)
    ped = Pedigree(ids, fidx, midx, sex)
    assert [relationship(ped, r, 2) for r in (0, 1, 3)] == ["father", "mother", "sibling"]
    assert relationship(ped, 4, 2) == "other"


MARKERS = with_mutation(synthetic_frequencies(), DEFAULT_MUTATION_KIND, **DEFAULT_MUTATION_PARAMS)


def test_a_mislabelled_father_is_flagged_and_his_family_named_only_with_the_correction() -> None:
    case = simulate_mislabelled(MARKERS, 5, n_families=10, p_error=1.0, n_unrelated=3)
    result = search(case.problem)
    flagged = [f for f in result.flags if f.kind == "reference_inconsistent"]
    corrected = [c for c in result.candidates if c.pedigree_correction]
    assert flagged and corrected
    assert all(case.truth.get(c.victim) == c.missing for c in corrected)
    assert all(c.conclusion == "Pedigree correction" for c in corrected)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_no_wrong_pair_and_at_least_the_solvers_right_ones_on_simulated_cases(seed: int) -> None:
    """Families with 1-4 references, a quarter of bodies degraded, mislabelled relatives."""
    case = simulate_mislabelled(MARKERS, seed, n_families=25, n_unrelated=4)
    candidates = search(case.problem).candidates
    wrong = [(c.victim, c.missing) for c in candidates if case.truth.get(c.victim) != c.missing]
    assert wrong == []
    solved = solve(make_context(case.problem)).conclusions
    solver_right = sum(
        1 for c in solved
        if c.sample and c.conclusion in PROPOSING and case.truth.get(c.sample) == c.missing
    )  # fmt: skip
    assert len(candidates) >= solver_right > 10
