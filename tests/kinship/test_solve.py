"""Tests for exhume.kinship.solve: dvir's undisputed, exclusion, GLR and symmetric rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from exhume.errors import KinshipError
from exhume.kinship import dvi, solve
from exhume.kinship.dvijson import load_problem, parse_problem
from exhume.kinship.problem import DviProblem
from tests.kinship.test_dvi import marker, problem_dict


def example(dvi_examples: Path, name: str) -> dvi.DviContext:
    """Context of a dvir example dataset."""
    return dvi.make_context(load_problem(dvi_examples / f"{name}.json"))


def test_relaxed_rule_accepts_a_pairing_far_above_its_rivals() -> None:
    lrs = np.array([[2e8, 3.0], [1.0, 0.5]])
    assert solve.undisputed_entries(lrs, 1e4) == [(0, 0)]
    assert solve.undisputed_entries(lrs, 1e4, strict=True) == []


def test_relaxed_rule_rejects_a_pairing_with_a_close_rival_in_its_column() -> None:
    lrs = np.array([[2e5, np.nan], [50.0, 1.0]])
    assert solve.undisputed_entries(lrs, 1e4) == []


def test_threshold_is_reached_up_to_sqrt_eps() -> None:
    lrs = np.array([[1e4 - 1e-9]])
    assert solve.undisputed_entries(lrs, 1e4) == [(0, 0)]


def test_example2_undisputed_at_threshold_5_is_m3_only(dvi_examples: Path) -> None:
    ctx = example(dvi_examples, "example2")
    _, notes, _ = solve.find_undisputed(ctx, solve.initial_state(ctx), threshold=5)
    assert [(n.missing, n.sample, n.lr, n.comment) for n in notes] == [
        ("M3", "V3", pytest.approx(5), "Step 1")
    ]


def test_example2_undisputed_cascades_at_threshold_2(dvi_examples: Path) -> None:
    ctx = example(dvi_examples, "example2")
    _, notes, _ = solve.find_undisputed(ctx, solve.initial_state(ctx), threshold=2)
    got = sorted((n.comment, n.missing, n.sample, round(n.lr or 0, 9)) for n in notes)
    assert got == [("Step 1", "M2", "V2", 5.0), ("Step 1", "M3", "V3", 5.0),
                   ("Step 2", "M1", "V1", 10.0)]  # fmt: skip


def test_example2_exclusion_drops_only_the_incompatible_pairing(dvi_examples: Path) -> None:
    ctx = example(dvi_examples, "example2")
    state = solve.initial_state(ctx)
    assert solve.exclusions_given(ctx, state)[0, 1] == 1
    reduced, notes = solve.find_excluded(ctx, state, max_incomp=0)
    assert reduced.pairings[0] == (-1, 0)
    assert reduced.victims == [0, 1, 2] and reduced.missing == [0, 1, 2]
    assert notes == []


def test_fire_conclusions_match_dvir_readme(dvi_examples: Path) -> None:
    result = solve.solve(example(dvi_examples, "fire"))
    got = [(c.missing, c.sample, c.conclusion) for c in result.conclusions]
    assert got == [("M1", "V1", "Match (GLR)"), ("M2", "V2/V3", "Symmetric match"),
                   ("M3", "V2/V3", "Symmetric match")]  # fmt: skip
    m1, m2, _ = result.conclusions
    assert m1.lr == pytest.approx(121.347585, rel=1e-8)
    assert m1.glr == pytest.approx(70582.39, rel=1e-7)
    assert m2.lr is None
    assert m2.glr == pytest.approx(2947149.10, rel=1e-8)


def _sibs_with_nonidentifiable() -> DviProblem:
    ped = [("FA", None, None, 1), ("MO", None, None, 2), ("R", "FA", "MO", 1),
           ("M1", "FA", "MO", 1), ("X", None, None, 1)]  # fmt: skip
    doc = problem_dict(
        [marker("L1", [0.25, 0.25, 0.25, 0.25])],
        [("V1", 1, {"L1": ["1", "2"]})],
        [("F1", ped, {"R": {"L1": ["1", "2"]}})],
        ["M1", "X"],
        ["R"],
    )
    return parse_problem(doc)


def test_unrelated_missing_person_is_nonidentifiable() -> None:
    ctx = dvi.make_context(_sibs_with_nonidentifiable())
    assert solve.nonidentifiable(ctx) == [1]
    concl = {c.missing: c.conclusion for c in solve.solve(ctx).conclusions}
    assert concl == {"M1": "Inconclusive", "X": "Nonidentifiable"}


def test_simple_family_verdicts_follow_threshold2(dvi_examples: Path) -> None:
    ctx = example(dvi_examples, "example2")
    result = solve.solve(ctx, threshold=1e4, threshold2=4)
    m3 = next(c for c in result.conclusions if c.missing == "M3")
    assert (m3.sample, m3.conclusion) == ("V3", "Probable")
    result = solve.solve(ctx, threshold=1e4)
    m3 = next(c for c in result.conclusions if c.missing == "M3")
    assert (m3.sample, m3.conclusion) == ("V3", "Inconclusive")


def test_solver_refuses_threshold_at_most_one(dvi_examples: Path) -> None:
    with pytest.raises(KinshipError, match="must exceed 1"):
        solve.solve(example(dvi_examples, "example2"), threshold=1)


def test_stepwise_joint_fixes_undisputed_and_keeps_top_assignment(dvi_examples: Path) -> None:
    ctx = example(dvi_examples, "KETPchap484")
    full = dvi.joint_table(ctx)
    step = solve.stepwise_joint(ctx)
    assert step.n_assignments < full.n_assignments
    assert step.assignments[0].tolist() == full.assignments[0].tolist()
    assert step.logliks[0] == full.logliks[0]
    assert (step.assignments[:, 0] == 0).all()  # V1 = M1 is undisputed


def test_stepwise_equals_exhaustive_when_nothing_is_settled(dvi_examples: Path) -> None:
    ctx = example(dvi_examples, "example2")
    full = dvi.joint_table(ctx)
    step = solve.stepwise_joint(ctx)
    # Only the pairing with LR = 0 (V1 = M2) is dropped: 4 impossible rows fewer.
    assert step.n_assignments == full.n_assignments - 4
    np.testing.assert_array_equal(step.assignments, full.assignments[:10])
    np.testing.assert_array_equal(step.logliks, full.logliks[:10])


def _trio(victim: list[str], parents: tuple[list[str], list[str]], p: float) -> dvi.DviContext:
    """dvir's synthetic trio: victim 'V' against the only child 'M' of typed parents."""
    ped = [("fa", None, None, 1), ("mo", None, None, 2), ("M", "fa", "mo", 1)]
    doc = problem_dict(
        [marker("m", [p, 1 - p])],
        [("V", 1, {"m": victim})],
        [("F1", ped, {"fa": {"m": parents[0]}, "mo": {"m": parents[1]}})],
        ["M"],
        ["fa", "mo"],
    )
    return dvi.make_context(parse_problem(doc))


def test_trio_match_is_undisputed_with_lr_25() -> None:
    ctx = _trio(["1", "1"], (["1", "2"], ["1", "2"]), 0.1)
    assert dvi.pairwise_lr(ctx)[0, 0] == pytest.approx(25, rel=1e-12)
    (m,) = solve.solve(ctx, threshold=10).conclusions
    assert (m.missing, m.sample, m.conclusion) == ("M", "V", "Undisputed")
    assert m.lr == pytest.approx(25, rel=1e-12)


def test_trio_with_best_lr_below_one_is_no_match() -> None:
    ctx = _trio(["2", "2"], (["1", "2"], ["1", "2"]), 0.1)
    expected = 1 / (4 * 0.9**2)
    (m,) = solve.solve(ctx, threshold=10).conclusions
    assert (m.conclusion, m.sample) == ("No match", "V")
    assert m.lr == pytest.approx(expected, rel=1e-12)


def test_trio_incompatibility_is_excluded_before_the_lr_workflow() -> None:
    ctx = _trio(["2", "2"], (["1", "1"], ["1", "1"]), 0.5)
    state, notes = solve.find_excluded(ctx, solve.initial_state(ctx), max_incomp=0)
    assert (state.victims, state.missing) == ([], [])
    assert [n.missing for n in notes] == ["M"]
    (m,) = solve.solve(ctx, threshold=10, max_incomp=0).conclusions
    assert m.conclusion == "Excluded"


def test_planecrash_undisputed_relaxed_and_strict_as_dvir_documents(dvi_examples: Path) -> None:
    ctx = example(dvi_examples, "planecrash")
    state = solve.initial_state(ctx)
    _, relaxed, _ = solve.find_undisputed(ctx, state)
    assert {n.missing: n.sample for n in relaxed} == {"M2": "V6", "M3": "V2", "M5": "V4"}
    # dvir: "With strict = TRUE, the match M3 = V2 goes away (M3 has LR > 1 also against V7)".
    _, strict, lrs = solve.find_undisputed(ctx, state, strict=True)
    assert {n.missing: n.sample for n in strict} == {"M2": "V6", "M5": "V4"}
    assert lrs[6, 2] > 1
