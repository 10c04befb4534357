"""Speed of the DVI layer on dvir's example datasets, with the R reference times as baseline.

For each dataset in ``../shared/data/dvi-examples`` (median of --runs runs, seconds; every run
starts from a fresh context, so nothing is cached between runs):

* ``pairwise``: pairwise LR matrix (dvir's ``pairwiseLR``);
* ``exclusions``: exclusion matrix (``findExclusions`` for every candidate pair);
* ``joint``: the joint table the CLI would print, exhaustive (``dviJoint``) or stepwise;
* ``solve``: everything ``exhume kinship solve`` computes (library call, no JSON);
* ``cli``: wall time of the ``exhume kinship solve`` command in a fresh process (with --cli);
* ``family_evaluations``: pedigree likelihoods evaluated for the joint table;
* ``placements`` (with ``--placements N``): up to N distinct family placements of the
  exhaustive table, evenly spaced, evaluated batched (``FamilyLikelihoods.prefetch``, one
  elimination over many placements) and, as the same-run baseline, one ``loglik`` call each;
  milliseconds per placement, the ratio, and the whole exhaustive table's family terms
  extrapolated from the batched rate;
* ``shared`` (with ``--shared N``): every distinct family placement of the exhaustive table
  evaluated with shared messages (``FamilyLikelihoods.prefetch_placements``, median of
  --runs) against, as the same-run baseline, one ``loglik`` call for each of N placements
  evenly spaced, extrapolated to all of them; both rates and their ratio, and the largest
  relative difference of the N sampled log-likelihoods.

Baselines: dvir 3.4 (R) takes about 25 s for ``dviJoint(symmetricSibs)`` and 0.4 s on
``planecrash`` (figures given with the task); the ratio is printed where one is known.
Prints one JSON object. Example: ``.venv/bin/python benchmarks/kinship_examples.py --runs 3``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from exhume.kinship import dvi
from exhume.kinship.dvijson import load_problem
from exhume.kinship.problem import DviProblem
from exhume.kinship.report import SolveOptions, choose_joint, solve_problem

EXAMPLES = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "dvi-examples"
R_SECONDS = {"symmetricSibs": ("joint", 25.0), "planecrash": ("solve", 0.4)}


def median_seconds(task: Callable[[], object], runs: int) -> float:
    """Median wall time of ``runs`` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        task()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def placements(problem: DviProblem, limit: int, runs: int) -> dict[str, Any]:
    """Batched against one-at-a-time evaluation of the exhaustive table's family placements."""
    ctx = dvi.make_context(problem)
    am = dvi.am_oriented(dvi.enumerate_assignments(ctx.codes, len(problem.missing)),
                         len(problem.missing))  # fmt: skip
    subs: list[tuple[int, tuple[int, ...]]] = []
    for f in range(len(problem.families)):
        found, _ = dvi.family_subs(ctx, am, f)
        keys = {ctx.families.canonical(f, tuple(int(x) for x in s)) for s in found}
        subs += [(f, k) for k in sorted(keys)]
    total = len(subs)
    sample = subs[:: max(1, total // limit)][:limit]

    def batched() -> None:
        fresh = dvi.make_context(problem)
        for f in range(len(problem.families)):
            fresh.families.prefetch(f, [k for g, k in sample if g == f])

    def single() -> None:
        fresh = dvi.make_context(problem)
        for f, k in sample:
            fresh.families(f, k)

    t_batch = median_seconds(batched, runs)
    t_single = median_seconds(single, runs)
    return {
        "distinct_placements": total,
        "sampled": len(sample),
        "batched_ms_each": 1e3 * t_batch / len(sample),
        "single_ms_each": 1e3 * t_single / len(sample),
        "single_over_batched": t_single / t_batch,
        "exhaustive_family_terms_seconds_extrapolated": t_batch / len(sample) * total,
    }


def shared(problem: DviProblem, limit: int, runs: int) -> dict[str, Any]:
    """Shared messages over every placement of the exhaustive table against one loglik each."""
    ctx = dvi.make_context(problem)
    am = dvi.am_oriented(dvi.enumerate_assignments(ctx.codes, len(problem.missing)),
                         len(problem.missing))  # fmt: skip
    subs: dict[int, list[tuple[int, ...]]] = {}
    for f in range(len(problem.families)):
        found, _ = dvi.family_subs(ctx, am, f)
        subs[f] = sorted({ctx.families.canonical(f, tuple(int(x) for x in s)) for s in found})
    total = sum(len(v) for v in subs.values())
    flat = [(f, k) for f, keys in subs.items() for k in keys]
    sample = flat[:: max(1, total // limit)][:limit]
    kept: dict[str, dvi.FamilyLikelihoods] = {}

    def with_sharing() -> None:
        fresh = dvi.make_context(problem)
        for f, keys in subs.items():
            fresh.families.prefetch_placements(f, keys)
        kept["shared"] = fresh.families

    def one_at_a_time() -> None:
        fresh = dvi.make_context(problem)
        for f, k in sample:
            fresh.families(f, k)
        kept["single"] = fresh.families

    t_shared = median_seconds(with_sharing, runs)
    t_single = median_seconds(one_at_a_time, runs) / len(sample) * total
    worst = 0.0
    for f, k in sample:
        a, b = kept["shared"](f, k), kept["single"](f, k)
        if a != b:
            worst = max(worst, abs(a - b) / max(1.0, abs(b)))
    return {
        "distinct_placements": total,
        "sampled_one_at_a_time": len(sample),
        "shared_seconds": t_shared,
        "one_at_a_time_seconds_extrapolated": t_single,
        "one_at_a_time_over_shared": t_single / t_shared,
        "shared_ms_each": 1e3 * t_shared / total,
        "one_at_a_time_ms_each": 1e3 * t_single / total,
        "max_relative_difference": worst,
    }


def measure(
    problem: DviProblem, path: Path, options: SolveOptions, runs: int, cli: bool
) -> dict[str, Any]:
    """Timings of one dataset."""
    out: dict[str, Any] = {}
    out["pairwise"] = median_seconds(lambda: dvi.pairwise_lr(dvi.make_context(problem)), runs)
    out["exclusions"] = median_seconds(
        lambda: dvi.exclusion_matrix(dvi.make_context(problem)), runs
    )
    last: dict[str, Any] = {}

    def joint() -> None:
        ctx = dvi.make_context(problem)
        choice = choose_joint(ctx, options)
        last.update(method=choice.method, n_assignments=choice.table.n_assignments,
                    family_evaluations=ctx.families.evaluations)  # fmt: skip

    out["joint"] = median_seconds(joint, runs)
    out.update(last)
    out["solve"] = median_seconds(lambda: solve_problem(problem, options), runs)
    if cli:
        exe = Path(sys.executable).with_name("exhume")
        cmd = [str(exe), "kinship", "solve", str(path),
               "--max-evaluations", str(options.max_evaluations)]  # fmt: skip
        out["cli"] = median_seconds(lambda: subprocess.run(cmd, check=True, capture_output=True),
                                    runs)  # fmt: skip
    if problem.dataset in R_SECONDS:
        key, seconds = R_SECONDS[problem.dataset]
        out["r_seconds"] = {key: seconds}
        out["speedup_vs_r"] = seconds / out[key]
    return out


def main() -> None:
    """Parse options, time every dataset, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--examples", nargs="*", default=None, help="dataset names (default: all)")
    parser.add_argument("--max-evaluations", type=int, default=SolveOptions().max_evaluations)
    parser.add_argument("--cli", action="store_true", help="also time the CLI in a subprocess")
    parser.add_argument("--shared", type=int, default=0,
                        help="shared messages vs this many one-at-a-time placements")  # fmt: skip
    parser.add_argument("--placements", type=int, default=0,
                        help="sample this many placements: batched vs one at a time")  # fmt: skip
    args = parser.parse_args()
    if not EXAMPLES.is_dir():
        sys.exit(f"dvi examples not found at {EXAMPLES}")
    options = SolveOptions(max_evaluations=args.max_evaluations)
    names = args.examples or sorted(p.stem for p in EXAMPLES.glob("*.json"))
    results = {}
    start_load = os.getloadavg()[0]
    for name in names:
        path = EXAMPLES / f"{name}.json"
        results[name] = measure(load_problem(path), path, options, args.runs, args.cli)
        if args.placements:
            results[name]["placements"] = placements(load_problem(path), args.placements,
                                                     args.runs)  # fmt: skip
        if args.shared:
            results[name]["shared"] = shared(load_problem(path), args.shared, args.runs)
        print(f"{name}: {results[name]['solve']:.3f} s", file=sys.stderr, flush=True)
    print(json.dumps({
        "benchmark": "kinship_examples",
        "load_average": os.getloadavg()[0],
        "load_average_at_start": start_load,
        "runs": args.runs,
        "max_evaluations": args.max_evaluations,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.machine(),
        "results": results,
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
