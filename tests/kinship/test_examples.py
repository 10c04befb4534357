"""Internal consistency of the DVI layer on dvir's example datasets, and the CLI on each.

Datasets whose exhaustive joint table needs thousands of large-pedigree likelihoods (icmp,
grave) or that only the stepwise solver can handle (exclusionExample) run under ``slow``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from exhume.cli import main
from exhume.kinship import dvi
from exhume.kinship.dvijson import load_problem

FAST = ["example1", "example2", "fire", "planecrash", "symmetricSibs", "KETPchap481",
        "KETPchap484", "KETPexer497", "KETPexer498"]  # fmt: skip
SLOW = ["icmp", "grave", "exclusionExample"]


_JOINT: dict[Path, tuple[dvi.DviContext, dvi.JointTable]] = {}


def joint_of(dvi_examples: Path, name: str) -> tuple[dvi.DviContext, dvi.JointTable]:
    """Context and exhaustive joint table of an example (computed once per session)."""
    path = dvi_examples / f"{name}.json"
    if path not in _JOINT:
        ctx = dvi.make_context(load_problem(path))
        _JOINT[path] = (ctx, dvi.joint_table(ctx))
    return _JOINT[path]


@pytest.mark.parametrize("name", FAST)
def test_posteriors_are_probabilities_summing_to_one(dvi_examples: Path, name: str) -> None:
    ctx, table = joint_of(dvi_examples, name)
    post = dvi.posterior_pairing(table, len(ctx.problem.missing))
    assert post.min() >= 0 and post.max() <= 1
    np.testing.assert_allclose(post.sum(axis=1), 1.0, atol=1e-12)


@pytest.mark.parametrize("name", FAST)
def test_pairwise_lr_equals_single_pair_joint_row(dvi_examples: Path, name: str) -> None:
    ctx, table = joint_of(dvi_examples, name)
    pairwise = dvi.pairwise_lr(ctx)
    lrs = table.lr()
    seen = 0
    for row, lr in zip(table.assignments, lrs, strict=True):
        placed = np.nonzero(row >= 0)[0]
        if placed.size == 1:
            v = int(placed[0])
            assert pairwise[v, row[v]] == pytest.approx(lr, rel=1e-9, abs=1e-300)
            seen += 1
    assert seen == np.count_nonzero(~np.isnan(pairwise))


@pytest.mark.parametrize("name", FAST)
def test_exclusions_imply_zero_lr_without_mutation_model(dvi_examples: Path, name: str) -> None:
    ctx = dvi.make_context(load_problem(dvi_examples / f"{name}.json"), disable_mutations=True)
    lr = dvi.pairwise_lr(ctx)
    excl = dvi.exclusion_matrix(ctx)
    assert np.all(lr[excl > 0] == 0)
    assert np.all(lr[excl == 0] > 0)


@pytest.mark.parametrize("name", FAST)
def test_joint_table_is_sorted_and_complete(dvi_examples: Path, name: str) -> None:
    ctx, table = joint_of(dvi_examples, name)
    n = dvi.count_assignments(ctx.codes, len(ctx.problem.missing), cap=10**9)
    assert table.n_assignments == n
    assert len({tuple(r) for r in table.assignments.tolist()}) == n
    ll = table.logliks
    assert np.all(np.diff(ll[np.isfinite(ll)]) <= dvi.TIE_TOLERANCE * np.abs(ll[0]))
    assert math.isclose(table.lr()[0], math.exp(ll[0] - ctx.loglik0), rel_tol=1e-12)


def test_planecrash_through_the_cli(dvi_examples: Path) -> None:
    result = CliRunner().invoke(main, ["kinship", "solve", str(dvi_examples / "planecrash.json")])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert (out["joint"]["method"], out["joint"]["n_assignments"]) == ("exhaustive", 19081)
    undisputed = {c["missing"]: c["sample"] for c in out["conclusions"]
                  if c["conclusion"] == "Undisputed"}  # fmt: skip
    assert undisputed == {"M2": "V6", "M3": "V2", "M5": "V4"}


@pytest.mark.slow
@pytest.mark.parametrize("name", FAST + SLOW)
def test_every_example_solves_through_the_cli(dvi_examples: Path, name: str) -> None:
    args = ["kinship", "solve", str(dvi_examples / f"{name}.json"), "--top", "5"]
    if name in SLOW:
        args += ["--max-evaluations", "2000"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    post = np.array(out["posterior_pairing"]["matrix"])
    np.testing.assert_allclose(post.sum(axis=1), 1.0, atol=1e-9)
    assert len(out["conclusions"]) == len(out["pairwise_lr"]["cols"])


@pytest.mark.slow
def test_grave_full_table_is_exhaustive_by_default(dvi_examples: Path) -> None:
    """grave's 52,564 assignments on a looped pedigree, within the default guards since
    placements share messages; the top rows equal one ``loglik`` call per family term."""
    path = dvi_examples / "grave.json"
    result = CliRunner().invoke(main, ["kinship", "solve", str(path), "--top", "3"])
    assert result.exit_code == 0, result.output
    joint = json.loads(result.output)["joint"]
    assert (joint["method"], joint["n_assignments"]) == ("exhaustive", 52564)
    top = joint["rows"][0]["assignment"]
    assert top == {**{f"V{i}": f"MP{i}" for i in range(1, 8)}, "V8": "*"}
    single = dvi.make_context(load_problem(path))
    col = {m: j for j, m in enumerate(single.problem.missing)}
    vic = {v.id: i for i, v in enumerate(single.problem.victims)}
    for row in joint["rows"]:
        pairs = {col[m]: vic[v] for v, m in row["assignment"].items() if m != dvi.STAR}
        want = sum(single.victim_ll[i] for i in range(len(vic)) if i not in pairs.values())
        want += single.families(0, single.sub_assignment(0, pairs))
        assert row["loglik"] == pytest.approx(want, rel=1e-9)
