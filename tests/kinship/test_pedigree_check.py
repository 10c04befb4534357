"""Wrong pedigrees: reference checks, alternative pedigrees, corrections on simulated cases."""

from __future__ import annotations

import math
from unittest import mock

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from exhume.kinship import dvi, pedigree_check
from exhume.kinship.frequencies import (
    DEFAULT_MUTATION_KIND,
    DEFAULT_MUTATION_PARAMS,
    synthetic_frequencies,
    with_mutation,
)
from exhume.kinship.markers import Marker, make_marker
from exhume.kinship.mislabel import evaluate, simulate_mislabelled
from exhume.kinship.mutation import mutation_model
from exhume.kinship.pedigree import Pedigree
from exhume.kinship.pedigree_check import (
    SETTLED,
    alternatives,
    check_json,
    check_references,
    column_log10_lr,
    find_corrections,
)
from exhume.kinship.problem import DviProblem, Family
from exhume.kinship.solve import solve
from tests.kinship.naive import naive_likelihood, naive_posterior
from tests.kinship.test_likelihood import FAST, cases

P = np.array([0.1, 0.2, 0.3, 0.4])
FAMILY = Pedigree.from_records(
    [("FA", None, None, 1), ("MO", None, None, 2), ("S", "FA", "MO", 1), ("M", "FA", "MO", 1),
     ("W", None, None, 2), ("C", "M", "W", 2)]
)  # fmt: skip


def problem_of(genotypes: np.ndarray, markers: list[Marker]) -> DviProblem:
    typed = tuple(FAMILY.ids[i] for i in np.flatnonzero((genotypes >= 0).any(axis=(1, 2))))
    fam = Family("F1", FAMILY, genotypes, ("M",), typed)
    return DviProblem("t", tuple(markers), (), (fam,), ("M",), typed, None, "")


def test_a_consistent_reference_gets_the_paternity_index() -> None:
    g = np.full((6, 1, 2), -1)
    g[0, 0], g[2, 0] = (0, 1), (0, 2)  # FA a/b, S a/c
    checks = check_references(problem_of(g, [make_marker("L1", 4, P)]))
    assert [(c.reference, c.inconsistent_markers, c.flagged) for c in checks] == [
        ("FA", 0, False),
        ("S", 0, False),
    ]
    for c in checks:
        assert c.log10_lr == pytest.approx(math.log10(1 / (4 * P[0])), rel=1e-12)


def test_a_reference_inconsistent_at_three_markers_is_flagged() -> None:
    model = mutation_model("equal", ("1", "2", "3", "4"), P, rate=0.001)
    markers = [make_marker(f"L{k}", 4, P, model) for k in range(3)]
    g = np.full((6, 3, 2), -1)
    g[0], g[2] = (0, 0), (2, 3)  # FA a/a, S c/d everywhere
    checks = check_references(problem_of(g, markers))
    assert all(c.inconsistent_markers == 3 and c.flagged for c in checks)
    assert all(c.log10_lr < -4 for c in checks)


def test_alternatives_name_each_possible_correction() -> None:
    g = np.full((6, 1, 2), -1)
    g[[0, 2, 5], 0] = (0, 1)
    texts = [a.correction for a in alternatives(problem_of(g, [make_marker("L1", 4, P)])
                                                .families[0], "M")]  # fmt: skip
    assert texts == [
        "FA's sample does not fit the stated pedigree",
        "FA is not the biological father of M",
        "S's sample does not fit the stated pedigree",
        "S is a half sibling of M, not a full sibling",
        "S is a half sibling of M, not a full sibling",
        "C's sample does not fit the stated pedigree",
        "C is not the biological child of M",
        "the samples of FA and S are swapped",
        "the samples of FA and C are swapped",
        "the samples of S and C are swapped",
    ]


def test_swaps_are_proposed_only_for_pairs_with_a_suspect() -> None:
    g = np.full((6, 1, 2), -1)
    g[[0, 2, 5], 0] = (0, 1)
    fam = problem_of(g, [make_marker("L1", 4, P)]).families[0]
    texts = [a.correction for a in alternatives(fam, "M", {"C"}) if "swapped" in a.correction]
    assert texts == ["the samples of FA and C are swapped", "the samples of S and C are swapped"]


@FAST
@given(cases(max_n=5, max_alleles=3, max_markers=2), st.booleans(), st.data())
def test_body_lrs_match_naive_enumeration(
    case: tuple[Pedigree, list[Marker], np.ndarray], placed: bool, data: st.DataObject
) -> None:
    """Both paths (posteriors, and placing each body) against the enumeration."""
    ped, markers, g = case
    target = data.draw(st.integers(0, ped.n - 1))
    g = g.copy()
    g[target] = -1
    assume(all(naive_likelihood(ped, m, g[:, k]) > 0 for k, m in enumerate(markers)))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    bodies = np.stack([rng.integers(0, m.n_alleles, (6, 2)) for m in markers], axis=1)
    bodies[rng.random(bodies.shape[:2]) < 0.3, 0] = -1
    bodies[rng.random(bodies.shape[:2]) < 0.2] = -1
    with mock.patch.object(pedigree_check, "POSTERIOR_MAX_MEMBERS", -1 if placed else 99):
        fast = column_log10_lr(ped, g, ped.ids[target], markers, bodies)
    slow = np.zeros(6)
    for k, m in enumerate(markers):
        post = naive_posterior(ped, m, g[:, k], target)
        rows, cols = np.triu_indices(m.n_alleles)
        p = m.afreq
        for v in range(6):
            a, b = (int(x) for x in bodies[v, k])
            if a < 0 and b < 0:
                continue
            if a >= 0 and b >= 0:
                i = int(np.flatnonzero((rows == min(a, b)) & (cols == max(a, b)))[0])
                hw = p[a] ** 2 if a == b else 2 * p[a] * p[b]
                slow[v] += math.log10(post[i] / hw) if post[i] > 0 else -math.inf
            else:
                x = max(a, b)
                share = float(post[(rows == x) | (cols == x)].sum())
                pop = p[x] ** 2 + 2 * p[x] * (1 - p[x])
                slow[v] += math.log10(share / pop) if share > 0 else -math.inf
    assert np.array_equal(np.isneginf(fast), np.isneginf(slow))
    finite = np.isfinite(slow)
    np.testing.assert_allclose(fast[finite], slow[finite], rtol=1e-9, atol=1e-9)


MARKERS = with_mutation(synthetic_frequencies(), DEFAULT_MUTATION_KIND, **DEFAULT_MUTATION_PARAMS)


def test_mislabelled_families_get_their_bodies_named_with_the_correction() -> None:
    case = simulate_mislabelled(MARKERS, 5, n_families=10, p_error=1.0, n_unrelated=3)
    ctx = dvi.make_context(case.problem)
    result = solve(ctx)
    named = {c.missing: c.sample for c in result.conclusions
             if c.conclusion in SETTLED and c.sample}  # fmt: skip
    fixes = find_corrections(case.problem, dvi.pairwise_lr(ctx), named)
    out = evaluate(case, [(c.missing, c.sample, c.conclusion) for c in result.conclusions],
                   [(c.missing, c.sample) for c in fixes])  # fmt: skip
    assert out.wrong == []
    planted = [b for b in out.bodies if b.error != "none"]
    assert planted and all(b.result.startswith("named") for b in planted)
    assert any(b.result == "named by correction" for b in planted)
    for fix in fixes:
        culprit = case.errors[fix.family].split()[1].split("/")
        assert any(ref in fix.pedigree_correction for ref in culprit)
        assert fix.conclusion == "Undisputed"


def test_solve_output_sends_corrections_to_review() -> None:
    case = simulate_mislabelled(MARKERS, 5, n_families=10, p_error=1.0, n_unrelated=3)
    ctx = dvi.make_context(case.problem)
    report = check_json(ctx, solve(ctx).conclusions, 1e4)
    assert report["corrections"]
    assert all(c["review"] == "required" and c["pedigree_correction"]
               for c in report["corrections"])  # fmt: skip
    flagged = {r["family"] for r in report["flagged_references"]}
    assert {c["family"] for c in report["corrections"]} & flagged
