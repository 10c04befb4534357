"""Simulated DVI problems: the requested sizes, a truth that matches the pedigrees, and a
dvi-json round trip."""

from __future__ import annotations

import numpy as np

from exhume.kinship import dvi
from exhume.kinship.dvijson import parse_problem
from exhume.kinship.dvijson_write import problem_document
from exhume.kinship.dvisim import simulate_dvi


def test_a_simulated_problem_has_the_requested_families_victims_and_missing_persons() -> None:
    sim = simulate_dvi(50, 58, seed=1, n_two_missing=4)
    p = sim.problem
    assert (len(p.families), len(p.victims), len(p.missing)) == (50, 58, 54)
    assert len(p.references) == 100
    assert len(p.markers) == 23
    assert all(m.mutation is not None for m in p.markers)
    named = [m for m in sim.truth.values() if m is not None]
    assert sorted(named) == sorted(p.missing)
    partial = [v for v in p.victims if (v.genotypes < 0).any()]
    assert 0 < len(partial) < len(p.victims)


def test_the_same_seed_gives_the_same_problem_and_round_trips_through_dvi_json() -> None:
    a = simulate_dvi(6, 5, seed=7, n_two_missing=1, n_markers=5).problem
    b = simulate_dvi(6, 5, seed=7, n_two_missing=1, n_markers=5).problem
    back = parse_problem(problem_document(a))
    for p in (b, back):
        assert [v.id for v in p.victims] == [v.id for v in a.victims]
        for v, w in zip(p.victims, a.victims, strict=True):
            np.testing.assert_array_equal(v.genotypes, w.genotypes)
        for f, g in zip(p.families, a.families, strict=True):
            np.testing.assert_array_equal(f.genotypes, g.genotypes)
            assert (f.missing, f.references) == (g.missing, g.references)


def test_counting_the_assignments_of_a_large_problem_stops_at_the_guard() -> None:
    p = simulate_dvi(50, 58, seed=1, n_two_missing=4).problem
    codes = dvi.candidate_codes(p, dvi.candidate_pairings(p))
    assert dvi.count_assignments(codes, len(p.missing), cap=100_001) == 100_001
    small = [(0, 1, dvi.STAR_CODE), (0, 1), (1, 2, dvi.STAR_CODE)]
    # V2 = M0: V1 in {M1, *}, V3 in {M2, *} or {M1, M2, *}: 5; V2 = M1: 2 x 2 = 4
    assert dvi.count_assignments(small, 3, cap=1000) == 9


def test_the_closed_form_for_at_most_two_placed_victims_matches_enumeration() -> None:
    codes = [(0, 1, dvi.STAR_CODE), (0, 2, dvi.STAR_CODE), (1, 2, dvi.STAR_CODE)]
    rows = dvi.enumerate_assignments(codes, 3)
    two_or_fewer = int(((rows != dvi.STAR_CODE).sum(axis=1) <= 2).sum())
    assert dvi._at_most_two_placed(codes, 3) == two_or_fewer == 1 + 6 + 9
    assert dvi._at_most_two_placed([(0,), (0, 1, dvi.STAR_CODE)], 2) == 0
