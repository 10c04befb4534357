"""Speed of ``exhume kinship solve`` on a simulated 50-family DVI problem, against the library's
stepwise solver in the same run.

The problem is the issue's realistic case (``exhume kinship simulate --dvi-json``: 50 families,
100 references, 54 missing persons of whom 4 pairs share a family, 58 bodies, 23 markers with
the proportional mutation model, a quarter of the bone profiles partial). Timed, median of
``--runs`` runs each, in seconds:

* ``cli``: wall time of ``exhume kinship solve PROBLEM.json`` in a fresh process (start-up,
  reading, every DVI quantity, the pedigree check, JSON);
* ``solve_problem``: the same computation as a library call (no process, no JSON);
* ``baseline_stepwise``: the library's stepwise solver called directly
  (``solve(make_context(problem))``, dvir's ``dviSolve``), the same-run baseline.

Ratios ``cli / baseline_stepwise`` and ``solve_problem / baseline_stepwise`` are printed, with
the machine's load average (``os.getloadavg``) before and after, the same three as CPU seconds
(``cpu``: user + system, the CLI's process included; steadier than wall time on a shared
machine), the joint method and its reason, and whether the CLI's conclusions equal the library
solver's. One JSON object.
Example: ``.venv/bin/python benchmarks/kinship_simulated.py --runs 5``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from exhume.kinship.dvi import make_context
from exhume.kinship.dvijson import load_problem
from exhume.kinship.dvijson_write import problem_document
from exhume.kinship.dvisim import simulate_dvi
from exhume.kinship.report import solve_problem
from exhume.kinship.solve import solve


def median_seconds(task: Callable[[], object], runs: int) -> float:
    """Median wall time of ``runs`` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        task()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cpu_now() -> float:
    """CPU seconds (user + system) of this process and its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def median_cpu(task: Callable[[], object], runs: int) -> float:
    """Median CPU time of ``runs`` calls (less sensitive than wall time to a loaded machine)."""
    times = []
    for _ in range(runs):
        start = cpu_now()
        task()
        times.append(cpu_now() - start)
    return statistics.median(times)


def measure(seed: int, runs: int, workdir: Path) -> dict[str, Any]:
    """Timings and checks of one simulated problem."""
    sim = simulate_dvi(50, 58, seed=seed, n_two_missing=4)
    path = workdir / f"simulated-{seed}.json"
    path.write_text(json.dumps(problem_document(sim.problem)))
    problem = load_problem(path)
    cmd = [sys.executable, "-m", "exhume.cli", "kinship", "solve", str(path), "--top", "1"]
    output: dict[str, Any] = {}

    def cli() -> None:
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        output.update(json.loads(done.stdout))

    out: dict[str, Any] = {"load_before": os.getloadavg()[0]}
    out["baseline_stepwise"] = median_seconds(lambda: solve(make_context(problem)), runs)
    out["solve_problem"] = median_seconds(lambda: solve_problem(problem), runs)
    out["cli"] = median_seconds(cli, runs)
    out["cpu"] = {
        "baseline_stepwise": median_cpu(lambda: solve(make_context(problem)), runs),
        "solve_problem": median_cpu(lambda: solve_problem(problem), runs),
        "cli": median_cpu(cli, runs),
    }
    out["cpu"]["cli_over_baseline"] = out["cpu"]["cli"] / out["cpu"]["baseline_stepwise"]
    out["load_after"] = os.getloadavg()[0]
    out["cli_over_baseline"] = out["cli"] / out["baseline_stepwise"]
    out["solve_problem_over_baseline"] = out["solve_problem"] / out["baseline_stepwise"]
    out["method"] = output["joint"]["method"]
    out["method_reason"] = output["joint"]["method_reason"]
    library = solve(make_context(problem)).conclusions
    out["conclusions_equal_library"] = [
        (c["missing"], c["sample"], c["conclusion"]) for c in output["conclusions"]
    ] == [(c.missing, c.sample, c.conclusion) for c in library]
    named = {c.sample: c.missing for c in library if c.conclusion == "Undisputed"}
    out["undisputed"] = len(named)
    out["undisputed_wrong"] = sum(sim.truth.get(v or "") != m for v, m in named.items())
    return out


def main() -> None:
    """Parse options, time each seed, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="*", default=[1])
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            results[str(seed)] = measure(seed, args.runs, Path(tmp))
            print(f"seed {seed}: cli {results[str(seed)]['cli']:.2f} s", file=sys.stderr)
    print(json.dumps({
        "benchmark": "kinship_simulated",
        "runs": args.runs,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "results": results,
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
