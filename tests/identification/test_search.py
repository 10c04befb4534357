"""The DNA search on the engine's types: candidates, per-marker LRs, direct matches, flags."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from exhume.identification.search import direct_matches, relationship, search
from exhume.kinship.dvijson import load_problem
from exhume.kinship.pedigree import Pedigree
from exhume.kinship.problem import DviProblem, Victim


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


def test_references_inconsistent_with_their_family_are_flagged(shared_data: Path) -> None:
    problem = load_problem(shared_data / "dvi-examples" / "exclusionExample.json")
    kinds = [f.kind for f in search(problem).flags]
    assert "reference_inconsistent" in kinds
