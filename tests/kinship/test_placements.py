"""Shared messages across placements (``kinship/_placements.py``) against one ``loglik`` call
per placement: random pedigrees (loops, partial genotypes, mutation models) and every dvi
example's joint-table placements."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exhume.kinship import dvi
from exhume.kinship._placements import PlacementEvaluator
from exhume.kinship.dvijson import load_problem
from exhume.kinship.likelihood import loglik
from exhume.kinship.markers import Marker
from exhume.kinship.pedigree import Pedigree
from tests.kinship.test_likelihood import cases

EXAMPLES = [
    "KETPchap481",
    "KETPchap484",
    "KETPexer497",
    "KETPexer498",
    "example1",
    "example2",
    "exclusionExample",
    "fire",
    "grave",
    "icmp",
    "planecrash",
    "symmetricSibs",
]


def _assert_close(got: np.ndarray, want: np.ndarray) -> None:
    assert np.array_equal(np.isneginf(got), np.isneginf(want)), (got, want)
    ok = np.isfinite(want)
    np.testing.assert_allclose(got[ok], want[ok], rtol=1e-9, atol=1e-9)
    if ok.all():
        total = float(want.sum())
        assert abs(float(got.sum()) - total) <= 1e-9 * max(1.0, abs(total))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_n=7), st.booleans(), st.data())
def test_shared_messages_equal_one_loglik_per_placement(
    case: tuple[Pedigree, list[Marker], np.ndarray], mutation: bool, data: st.DataObject
) -> None:
    ped, markers, g = case
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    n_slots = data.draw(st.integers(1, min(3, ped.n)))
    slots = data.draw(st.permutations(list(range(ped.n))))[:n_slots]
    for s in slots:  # a missing person is mostly untyped, sometimes not
        if data.draw(st.booleans()):
            g[s] = -1
    k = len(markers)
    n_victims = data.draw(st.integers(1, 4))
    victims = np.stack(
        [rng.integers(0, m.n_alleles, (n_victims, 2)) for m in markers], axis=1
    ).astype(np.intp)
    victims[rng.random((n_victims, k)) < 0.2] = -1  # untyped markers
    victims[:, :, 1][rng.random((n_victims, k)) < 0.2] = -1  # one-allele calls
    candidates = [sorted(v for v in range(n_victims) if data.draw(st.booleans())) for _ in slots]
    placements = [[-1] * n_slots]
    for _ in range(data.draw(st.integers(1, 12))):
        row = []
        for cands in candidates:
            free = [v for v in cands if v not in row]
            row.append(int(rng.choice([-1, *free])))
        placements.append(row)
    evaluator = PlacementEvaluator(ped, markers, g, slots, victims, candidates, mutation=mutation)
    got = evaluator.evaluate(np.array(placements))
    for row, values in zip(placements, got, strict=True):
        placed = g.copy()
        for s, v in zip(slots, row, strict=True):
            if v >= 0:
                placed[s] = victims[v]
        _assert_close(values, loglik(ped, markers, placed, mutation=mutation).per_marker)


@pytest.mark.parametrize("name", EXAMPLES)
def test_joint_table_terms_equal_the_one_at_a_time_path(
    dvi_examples: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dvi, "SHARED_MESSAGES_FROM", 1)
    problem = load_problem(dvi_examples / f"{name}.json")
    shared, single = dvi.make_context(problem), dvi.make_context(problem)
    count = dvi.count_assignments(shared.codes, len(problem.missing), 200_001)
    # exclusionExample's table is too large: a corner of it (three candidates per victim)
    codes = [c[:3] for c in shared.codes] if count > 200_000 else shared.codes
    rows = dvi.enumerate_assignments(codes, len(problem.missing))
    am = dvi.am_oriented(rows, len(problem.missing))
    for f in range(len(problem.families)):
        subs, _ = dvi.family_subs(shared, am, f)
        keys = [tuple(int(x) for x in s) for s in subs]
        shared.families.prefetch_placements(f, keys)
        flag = shared.families.mutation_flags[f]
        for key in keys[:: max(1, len(keys) // 150)]:
            got = shared.families.per_marker(f, key, flag)
            _assert_close(got, single.families.per_marker(f, key, flag))


def test_a_family_too_large_to_share_falls_back_to_batches(
    dvi_examples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exhume.kinship import _placements

    monkeypatch.setattr(dvi, "SHARED_MESSAGES_FROM", 1)
    monkeypatch.setattr(_placements, "MAX_CELLS", 10)
    problem = load_problem(dvi_examples / "fire.json")
    ctx, single = dvi.make_context(problem), dvi.make_context(problem)
    table = dvi.joint_table(ctx)
    for row, ll in zip(table.assignments[:20], table.logliks[:20], strict=True):
        want = (
            single.loglik0
            + sum(
                single.families(
                    f, single.sub_assignment(f, {int(j): v for v, j in enumerate(row) if j >= 0})
                )
                - single.families.empty(f)
                for f in range(len(problem.families))
            )
            - sum(single.victim_ll[v] for v, j in enumerate(row) if j >= 0)
        )
        assert ll == want or abs(ll - want) <= 1e-12 * abs(want)


def test_stored_totals_are_the_row_sums_the_cache_would_compute(dvi_examples: Path) -> None:
    problem = load_problem(dvi_examples / "icmp.json")
    ctx = dvi.make_context(problem)
    rows = dvi.enumerate_assignments(ctx.codes, len(problem.missing))[::7]
    subs, _ = dvi.family_subs(ctx, dvi.am_oriented(rows, len(problem.missing)), 0)
    keys, _ = ctx.families.canonical_keys(0, subs)
    ctx.families.prefetch_placements(0, keys, canonical=True)
    flag = ctx.families.mutation_flags[0]
    for key in keys:
        assert ctx.families.total(0, key) == float(ctx.families.per_marker(0, key, flag).sum())
