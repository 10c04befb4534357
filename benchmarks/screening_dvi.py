"""Screening a DVI problem with families of several missing persons, against a same-run
gather-and-sum baseline.

A problem of ``--families`` families (``--two-missing`` of them with a father and his son both
missing) and ``--victims`` bodies is simulated (``kinship.dvisim``: 23 markers with mutation,
a quarter of the bodies partial) and screened with ``exhume kinship screen PROBLEM.json``'s
library call (:func:`exhume.kinship.screeningdvi.screen_problem`: one column per missing
person). Timed (median of ``--runs``): the screening, tables included; the same-run baseline,
:func:`~exhume.kinship.screeningbench.gather_sum_baseline` over the same look-ups (every body x
every column x every marker, float32). Also: recall@1 of the bodies that are missing persons
(the best candidate names the right missing person), split by one- and two-missing families.
Prints JSON with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from typing import Any

import numpy as np

from exhume.kinship.dvisim import simulate_dvi
from exhume.kinship.genotypes import n_genotypes
from exhume.kinship.screening import ScreeningParams
from exhume.kinship.screeningbench import gather_sum_baseline
from exhume.kinship.screeningdvi import screen_problem
from exhume.kinship.screeningtables import body_rows


def main() -> None:
    """Simulate, time the screening and the baseline, check recall; print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=5000)
    parser.add_argument("--two-missing", type=int, default=1000)
    parser.add_argument("--victims", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sim = simulate_dvi(args.families, args.victims, seed=args.seed,
                       n_two_missing=args.two_missing)  # fmt: skip
    problem = sim.problem
    params = ScreeningParams(top=3, threshold=1e4, threads=2)
    out: dict[str, Any] = {"load_before": os.getloadavg()[0]}
    times, result = [], None
    for _ in range(args.runs):
        start = time.perf_counter()
        result, _ = screen_problem(problem, params)
        times.append(time.perf_counter() - start)
    assert result is not None
    out["screening"] = statistics.median(times)
    rng = np.random.default_rng(args.seed)
    n_cols = len(problem.missing)
    tables = [rng.random((n_genotypes(m.n_alleles) + m.n_alleles + 1, n_cols), dtype=np.float32)
              for m in problem.markers]  # fmt: skip
    bodies = np.stack([v.genotypes for v in problem.victims]).astype(np.int64)
    rows = body_rows(problem.markers, bodies, np.array([v.sex for v in problem.victims]))
    base = []
    for _ in range(args.runs):
        start = time.perf_counter()
        gather_sum_baseline(tables, rows)
        base.append(time.perf_counter() - start)
    out["baseline_gather_sum"] = statistics.median(base)
    out["ratio"] = out["screening"] / out["baseline_gather_sum"]
    two = {m for f in problem.families if len(f.missing) == 2 for m in f.missing}
    hits = {"one_missing": [0, 0], "two_missing": [0, 0]}
    for b, v in enumerate(problem.victims):
        truth = sim.truth[v.id]
        if truth is None:
            continue
        kind = "two_missing" if truth in two else "one_missing"
        best = int(result.top_family[b, 0])
        hits[kind][1] += 1
        hits[kind][0] += int(best >= 0 and problem.missing[best] == truth)
    out["recall_at_1"] = {k: {"named": h[0], "of": h[1]} for k, h in hits.items()}
    out["load_after"] = os.getloadavg()[0]
    print(json.dumps({"benchmark": "screening_dvi", "families": args.families,
                      "two_missing": args.two_missing, "missing": n_cols,
                      "victims": args.victims, "markers": len(problem.markers),
                      "runs": args.runs, "results": out}, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
