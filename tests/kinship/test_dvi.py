"""Tests for exhume.kinship.dvi: closed forms, a slow brute-force reference, dvir's numbers."""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exhume.errors import KinshipError, ProblemFormatError
from exhume.kinship import dvi
from exhume.kinship.dvijson import load_problem, parse_problem
from exhume.kinship.dvisim import simulate_dvi
from exhume.kinship.likelihood import loglik
from exhume.kinship.problem import DviProblem

# ----------------------------------------------------------------------------- builders


def marker(name: str, freqs: list[float], rate: float | None = None) -> dict[str, Any]:
    """A dvi-json marker with alleles '1'..'n' (optionally an 'equal' mutation model)."""
    n = len(freqs)
    alleles = [str(i + 1) for i in range(n)]
    mutation = None
    if rate is not None:
        mat = [[1 - rate if i == j else rate / (n - 1) for j in range(n)] for i in range(n)]
        model = {"model": "equal", "rate": rate, "matrix": mat}
        mutation = {"sexEqual": True, "female": model, "male": model}
    return {"name": name, "alleles": alleles, "afreq": freqs, "mutation": mutation}


def problem_dict(
    markers: list[dict[str, Any]],
    victims: list[tuple[str, int, dict[str, list[str]]]],
    families: list[tuple[str, list[tuple[str, str | None, str | None, int]], dict[str, Any]]],
    missing: list[str],
    references: list[str],
    pairings: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """A dvi-json document from compact tuples."""
    return {
        "format": "dvi-json v1 (test)",
        "dataset": "test",
        "markers": markers,
        "pm": [{"id": v, "sex": s, "genotypes": g} for v, s, g in victims],
        "am": [
            {
                "family": name,
                "pedigree": [{"id": i, "fid": f, "mid": m, "sex": s} for i, f, m, s in ped],
                "genotypes": genos,
                "founderInbreeding": None,
            }
            for name, ped, genos in families
        ],
        "missing": missing,
        "references": references,
        "pairings": pairings,
        "marker_overrides": None,
    }


def father_child(victim: list[str], father: list[str], freqs: list[float]) -> DviProblem:
    """One victim 'V' (male) against missing son 'M' of typed father 'R' (mother untyped)."""
    ped = [("R", None, None, 1), ("MO", None, None, 2), ("M", "R", "MO", 1)]
    return parse_problem(
        problem_dict(
            [marker("L1", freqs)],
            [("V", 1, {"L1": victim})],
            [("F1", ped, {"R": {"L1": father}})],
            ["M"],
            ["R"],
        )
    )


def example(dvi_examples: Path, name: str) -> DviProblem:
    """A dvir example dataset."""
    return load_problem(dvi_examples / f"{name}.json")


# ----------------------------------------------------------------------------- closed forms

FREQS = [0.1, 0.2, 0.3, 0.4]


def test_pairwise_lr_is_one_over_2p_for_homozygous_son_of_heterozygous_father() -> None:
    ctx = dvi.make_context(father_child(["1", "1"], ["1", "2"], FREQS))
    assert dvi.pairwise_lr(ctx)[0, 0] == pytest.approx(1 / (2 * 0.1), rel=1e-12)


def test_pairwise_lr_is_one_over_p_for_homozygous_son_of_homozygous_father() -> None:
    ctx = dvi.make_context(father_child(["3", "3"], ["3", "3"], FREQS))
    assert dvi.pairwise_lr(ctx)[0, 0] == pytest.approx(1 / 0.3, rel=1e-12)


def test_pairwise_lr_is_one_over_4p_for_heterozygous_son_sharing_one_allele() -> None:
    ctx = dvi.make_context(father_child(["2", "4"], ["2", "3"], FREQS))
    assert dvi.pairwise_lr(ctx)[0, 0] == pytest.approx(1 / (4 * 0.2), rel=1e-12)


def test_incompatible_son_has_one_exclusion_and_lr_zero() -> None:
    ctx = dvi.make_context(father_child(["4", "4"], ["1", "2"], FREQS))
    assert dvi.pairwise_lr(ctx)[0, 0] == 0.0
    assert dvi.exclusion_matrix(ctx)[0, 0] == 1


def test_mutation_model_keeps_an_incompatible_son_possible() -> None:
    ped = [("R", None, None, 1), ("MO", None, None, 2), ("M", "R", "MO", 1)]
    doc = problem_dict(
        [marker("L1", FREQS, rate=0.01)],
        [("V", 1, {"L1": ["4", "4"]})],
        [("F1", ped, {"R": {"L1": ["1", "2"]}})],
        ["M"],
        ["R"],
    )
    ctx = dvi.make_context(parse_problem(doc))
    # Father 1/2 transmits 4 only by mutation (rate/3); the untyped mother transmits 4 with
    # probability (p M)_4 = 0.4 * 0.99 + 0.6 * 0.01 / 3; unrelated, 4/4 has probability 0.4^2.
    mother = 0.4 * 0.99 + 0.6 * 0.01 / 3
    assert dvi.pairwise_lr(ctx)[0, 0] == pytest.approx((0.01 / 3) * mother / 0.4**2, rel=1e-10)
    assert dvi.exclusion_matrix(ctx)[0, 0] == 1
    off = dvi.make_context(parse_problem(doc), disable_mutations=None)
    assert dvi.pairwise_lr(off)[0, 0] == 0.0


def test_loglik0_sums_victims_and_families() -> None:
    problem = father_child(["1", "2"], ["1", "1"], FREQS)
    ctx = dvi.make_context(problem)
    # Victim 2*0.1*0.2; father 0.1^2.
    assert ctx.loglik0 == pytest.approx(math.log(2 * 0.1 * 0.2) + math.log(0.1**2), rel=1e-12)


# ----------------------------------------------------------------------------- candidates


def test_generated_pairings_follow_sex_with_unknown_compatible() -> None:
    ped = [
        ("M1", None, None, 1),
        ("M2", None, None, 2),
        ("M3", "M1", "M2", 0),
        ("R", "M1", "M2", 1),
    ]
    doc = problem_dict(
        [marker("L1", FREQS)],
        [("V1", 1, {}), ("V2", 2, {}), ("V3", 0, {})],
        [("F1", ped, {"R": {"L1": ["1", "2"]}})],
        ["M1", "M2", "M3"],
        ["R"],
    )
    assert dvi.candidate_pairings(parse_problem(doc)) == {
        "V1": ("*", "M1", "M3"),
        "V2": ("*", "M2", "M3"),
        "V3": ("*", "M1", "M2", "M3"),
    }


def test_given_pairings_with_wrong_sex_are_rejected_naming_the_victim() -> None:
    ped = [("R", None, None, 1), ("MO", None, None, 2), ("M", "R", "MO", 1)]
    doc = problem_dict(
        [marker("L1", FREQS)],
        [("V", 2, {"L1": ["1", "1"]})],
        [("F1", ped, {"R": {"L1": ["1", "2"]}})],
        ["M"],
        ["R"],
        pairings={"V": ["*", "M"]},
    )
    with pytest.raises(ProblemFormatError, match="candidate 'M' of victim 'V' has the wrong sex"):
        dvi.make_context(parse_problem(doc))


def test_non_candidates_have_undefined_lr_and_exclusions() -> None:
    ped = [("R", None, None, 1), ("MO", None, None, 2), ("M", "R", "MO", 1)]
    doc = problem_dict(
        [marker("L1", FREQS)],
        [("V", 2, {"L1": ["1", "1"]})],
        [("F1", ped, {"R": {"L1": ["1", "2"]}})],
        ["M"],
        ["R"],
    )
    ctx = dvi.make_context(parse_problem(doc))
    assert np.isnan(dvi.pairwise_lr(ctx)[0, 0])
    assert dvi.exclusion_matrix(ctx)[0, 0] == -1


# ----------------------------------------------------------------------------- enumeration


def test_assignments_come_in_dvir_grid_order() -> None:
    codes = [(-1, 0, 1), (-1, 0), (1, -1)]
    rows = dvi.enumerate_assignments(codes, 2).tolist()
    assert rows == [
        [-1, -1, 1], [-1, -1, -1], [-1, 0, 1], [-1, 0, -1],
        [0, -1, 1], [0, -1, -1], [1, -1, -1], [1, 0, -1],
    ]  # fmt: skip
    assert dvi.count_assignments(codes, 2, cap=100) == 8


def test_count_saturates_at_cap() -> None:
    codes = [(-1, 0, 1, 2, 3)] * 4
    assert dvi.count_assignments(codes, 4, cap=10) == 10
    assert dvi.count_assignments(codes, 4, cap=10_000) == 209


def test_joint_table_refuses_too_many_assignments(dvi_examples: Path) -> None:
    ctx = dvi.make_context(example(dvi_examples, "example2"))
    with pytest.raises(KinshipError, match="more than 13 assignments"):
        dvi.joint_table(ctx, max_assignments=13)


def test_ties_sort_alphabetically_with_star_last() -> None:
    assignments = np.array([[-1, 0], [1, -1], [0, 1], [1, 0]], dtype=np.int64)
    logliks = np.array([-1.0, -1.0 + 1e-12, -1.0, -np.inf])
    order = dvi.joint_order(assignments, logliks, ["M2", "M1"])
    # M1 (index 1) sorts before M2 (index 0); '*' last; -inf last.
    assert order.tolist() == [1, 2, 0, 3]


# ----------------------------------------------------------------------------- brute force


def naive_joint(problem: DviProblem) -> dict[tuple[str, ...], float]:
    """Every assignment's log-likelihood from scratch: each family with all its victims placed,
    plus unassigned victims' singletons; no caching, no shared terms."""
    pairings = dvi.candidate_pairings(problem)
    out: dict[tuple[str, ...], float] = {}
    for combo in itertools.product(*(pairings[v.id] for v in problem.victims)):
        real = [m for m in combo if m != "*"]
        if len(real) != len(set(real)):
            continue
        total = 0.0
        for fam in problem.families:
            g = fam.genotypes.copy()
            for vic, m in zip(problem.victims, combo, strict=True):
                if m in fam.missing:
                    g[fam.pedigree.index(m)] = vic.genotypes
            total += loglik(fam.pedigree, problem.markers, g).total
        for k, m in enumerate(combo):
            if m == "*":
                total += float(dvi.victim_logliks(problem)[k])
        out[combo] = total
    return out


genotype = st.tuples(st.integers(1, 3), st.integers(1, 3)).map(lambda t: [str(t[0]), str(t[1])])


@st.composite
def small_problems(draw: st.DrawFn) -> DviProblem:
    """Two families (brothers M1, M2 with a typed sister; a son M3 of a typed father),
    two or three victims of random sex, one or two three-allele markers."""
    n_markers = draw(st.integers(1, 2))
    markers = []
    for k in range(n_markers):
        raw = draw(st.lists(st.floats(0.1, 1.0), min_size=3, max_size=3))
        markers.append(marker(f"L{k}", [x / sum(raw) for x in raw], rate=draw(
            st.sampled_from([None, 0.01]))))  # fmt: skip
    names = [m["name"] for m in markers]

    def typed() -> dict[str, list[str]]:
        return {n: draw(genotype) for n in names}

    n_vic = draw(st.integers(2, 3))
    victims = [(f"V{i + 1}", draw(st.sampled_from([1, 2])), typed()) for i in range(n_vic)]
    fam1 = [("FA", None, None, 1), ("MO", None, None, 2), ("M1", "FA", "MO", 1),
            ("M2", "FA", "MO", 1), ("S", "FA", "MO", 2)]  # fmt: skip
    fam2 = [("R", None, None, 1), ("W", None, None, 2), ("M3", "R", "W", 1)]
    doc = problem_dict(
        markers, victims, [("F1", fam1, {"S": typed()}), ("F2", fam2, {"R": typed()})],
        ["M1", "M2", "M3"], ["S", "R"],
    )  # fmt: skip
    return parse_problem(doc)


@settings(max_examples=30, deadline=None)
@given(small_problems())
def test_joint_table_matches_brute_force(problem: DviProblem) -> None:
    ctx = dvi.make_context(problem)
    table = dvi.joint_table(ctx)
    slow = naive_joint(problem)
    assert table.n_assignments == len(slow)
    for row, ll in zip(table.assignments, table.logliks, strict=True):
        combo = tuple("*" if c < 0 else problem.missing[c] for c in row)
        if slow[combo] == -math.inf:
            assert ll == -math.inf
        else:
            assert ll == pytest.approx(slow[combo], rel=1e-12, abs=1e-12)
    finite = table.logliks[np.isfinite(table.logliks)]
    assert np.all(np.diff(finite) <= 1e-9)
    post = dvi.posterior_pairing(table, 3)
    assert post.sum(axis=1) == pytest.approx(np.ones(len(problem.victims)), abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(small_problems())
def test_pairwise_lr_equals_single_pair_row_of_joint_table(problem: DviProblem) -> None:
    ctx = dvi.make_context(problem)
    table = dvi.joint_table(ctx)
    lrs = table.lr()
    pairwise = dvi.pairwise_lr(ctx)
    for row, lr in zip(table.assignments, lrs, strict=True):
        placed = np.nonzero(row >= 0)[0]
        if placed.size == 1:
            v = int(placed[0])
            assert pairwise[v, row[v]] == pytest.approx(lr, rel=1e-10, abs=1e-300)


# ----------------------------------------------------------------------------- dvir's numbers


def test_example2_pairwise_lrs_match_dvir(dvi_examples: Path) -> None:
    ctx = dvi.make_context(example(dvi_examples, "example2"))
    expected = np.array([[1, 0, np.nan], [1, 5, np.nan], [np.nan, np.nan, 5]])
    np.testing.assert_allclose(dvi.pairwise_lr(ctx), expected, rtol=1e-12)


def test_example2_joint_table_matches_dvir_readme(dvi_examples: Path) -> None:
    problem = example(dvi_examples, "example2")
    table = dvi.joint_table(dvi.make_context(problem))
    assert table.n_assignments == 14
    top = ["M1" if c == 0 else problem.missing[c] if c >= 0 else "*" for c in table.assignments[0]]
    assert top == ["M1", "M2", "M3"]
    expected = [-16.11810, -17.72753, -18.42068, -20.03012, -20.03012, -20.03012, -20.03012,
                -21.63956, -21.63956, -21.63956]  # fmt: skip
    np.testing.assert_allclose(np.round(table.logliks[:10], 5), expected, atol=1e-9)
    assert np.all(np.isneginf(table.logliks[10:]))
    lr_vs_top = np.exp(table.logliks[0] - table.logliks[:10])
    np.testing.assert_allclose(lr_vs_top, [1, 5, 10, 50, 50, 50, 50, 250, 250, 250], rtol=1e-9)
    # Rows 4-7 tie exactly in dvir's README and are listed alphabetically, '*' last.
    assert table.assignments[:7].tolist() == [
        [0, 1, 2], [0, 1, -1], [-1, 1, 2], [0, -1, 2], [-1, 0, 2], [-1, 1, -1], [-1, -1, 2]
    ]  # fmt: skip


def test_example2_posteriors_match_dvir_bmarginal(dvi_examples: Path) -> None:
    table = dvi.joint_table(dvi.make_context(example(dvi_examples, "example2")))
    expected = [
        [0.87931034, 0, 0, 0.12068966],
        [0.01724138, 0.94827586, 0, 0.03448276],
        [0, 0, 0.83333333, 0.16666667],
    ]
    np.testing.assert_allclose(dvi.posterior_pairing(table, 3), expected, atol=1e-8)


def test_fire_pairwise_lrs_and_joint_match_dvir(dvi_examples: Path) -> None:
    ctx = dvi.make_context(example(dvi_examples, "fire"))
    expected = np.array(
        [[121.347585, 398.582218, 398.582218],
         [0.5826857, 36.563503, 36.563503],
         [0.002019597, 1.312181, 1.312181]]
    )  # fmt: skip
    np.testing.assert_allclose(dvi.pairwise_lr(ctx), expected, rtol=1e-6)
    assert (dvi.exclusion_matrix(ctx) == 0).all()
    table = dvi.joint_table(ctx)
    assert table.n_assignments == 34
    np.testing.assert_allclose(
        table.logliks[:6], [-257.7327, -257.7327, -268.8973, -268.8973, -272.6291, -272.6291],
        atol=5e-5,
    )  # fmt: skip
    assert table.assignments[:6].tolist() == [
        [0, 1, 2], [0, 2, 1], [-1, 1, 2], [-1, 2, 1], [1, 0, 2], [2, 0, 1]
    ]  # fmt: skip
    glr = dvi.glr_matrix(table, 3)
    assert glr[0, 0] == pytest.approx(70582.39, rel=1e-7)


def test_mutations_are_disabled_only_in_families_consistent_without_them(
    dvi_examples: Path,
) -> None:
    problem = example(dvi_examples, "fire")
    assert dvi.family_mutation_flags(problem, None) == (False,)
    assert dvi.family_mutation_flags(problem, False) == (True,)


def test_exchangeable_brothers_share_one_cached_evaluation() -> None:
    ped = [("FA", None, None, 1), ("MO", None, None, 2), ("M1", "FA", "MO", 1),
           ("M2", "FA", "MO", 1), ("S", "FA", "MO", 2)]  # fmt: skip
    doc = problem_dict(
        [marker("L1", FREQS)],
        [("V1", 1, {"L1": ["1", "2"]}), ("V2", 1, {"L1": ["3", "3"]})],
        [("F1", ped, {"S": {"L1": ["1", "3"]}})],
        ["M1", "M2"],
        ["S"],
    )
    ctx = dvi.make_context(parse_problem(doc))
    assert dvi.exchangeable_slots(ctx.problem.families[0]) == [[0, 1]]
    assert ctx.families(0, (0, 1)) == ctx.families(0, (1, 0))
    assert ctx.families.evaluations == 1


@pytest.mark.parametrize("name", ["example2", "fire", "planecrash", "icmp", "grave"])
def test_batched_family_terms_equal_the_one_at_a_time_path(dvi_examples: Path, name: str) -> None:
    problem = load_problem(dvi_examples / f"{name}.json")
    batched, single = dvi.make_context(problem), dvi.make_context(problem)
    rows = dvi.enumerate_assignments(batched.codes, len(problem.missing))
    am = dvi.am_oriented(rows[:: max(1, rows.shape[0] // 60)], len(problem.missing))
    for f in range(len(problem.families)):
        subs, _ = dvi.family_subs(batched, am, f)
        keys = [tuple(int(x) for x in s) for s in subs]
        for mutation in (True, False):
            batched.families.prefetch(f, keys, mutation)
            for key in keys:
                got = batched.families.per_marker(f, key, mutation)
                want = single.families.per_marker(f, key, mutation)
                assert np.array_equal(np.isneginf(got), np.isneginf(want))
                ok = np.isfinite(want)
                np.testing.assert_allclose(got[ok], want[ok], rtol=1e-12, atol=1e-12)


def test_families_of_one_shape_are_evaluated_together_with_their_own_values() -> None:
    problem = simulate_dvi(9, 7, seed=3, n_two_missing=2, n_markers=6).problem
    batched, single = dvi.make_context(problem), dvi.make_context(problem)
    pairs = dvi.candidate_pairs(batched)
    for mutation in (True, False):
        dvi.prefetch_pairs(batched, pairs, mutation)
        for _i, _j, f, sub in pairs:
            got = batched.families.per_marker(f, sub, mutation)
            want = single.families.per_marker(f, sub, mutation)
            assert np.array_equal(np.isneginf(got), np.isneginf(want))
            ok = np.isfinite(want)
            np.testing.assert_allclose(got[ok], want[ok], rtol=1e-12, atol=1e-12)
