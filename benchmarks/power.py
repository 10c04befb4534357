"""Speed of ``exhume kinship power``: seconds per 1,000 simulations, per candidate relative.

For one missing person of a dvi-json example (default: planecrash, M1: 15 STR markers with
mutation models; the father is typed), every candidate relative is simulated with ``--sims``
true matches (median of ``--runs`` runs, CPU seconds of this process, which a shared machine
disturbs less than wall time, scaled to 1,000 simulations). The simulation
costs one exact genotype posterior per marker and per distinct genotype drawn, so the same-run
baseline is the time of those posterior calls made directly (``calls`` x the median time of one
call on the candidate's pedigree): ``ratio`` near 1 says the sampling adds nothing to the
posteriors it needs.
Prints one JSON object. Example: ``.venv/bin/python benchmarks/power.py --runs 3``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np

from exhume.kinship import power
from exhume.kinship.dvijson import load_problem
from exhume.kinship.likelihood import genotype_posterior
from exhume.kinship.relatives import carry_genotypes

EXAMPLES = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "dvi-examples"


def per_call_seconds(cand: power.Candidate, markers: Any, geno: Any, missing: str) -> float:
    """Median CPU time of one genotype posterior of the missing person on the candidate's
    pedigree, with the candidate's new members typed as the first reference's genotypes."""
    ped = cand.pedigree
    target = ped.index(missing)
    g = geno.copy()
    donor = int(np.flatnonzero((geno >= 0).any(axis=(1, 2)))[0])
    for ident in cand.typed:
        g[ped.index(ident)] = geno[donor]
    times = []
    for k in range(3 * len(markers)):
        m = k % len(markers)
        start = time.process_time()
        genotype_posterior(ped, markers[m], g[:, m], target)
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", default="planecrash")
    parser.add_argument("--missing", default="M1")
    parser.add_argument("--sims", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    path = EXAMPLES / f"{args.dataset}.json"
    problem = load_problem(path)
    fam = problem.family_of(args.missing)
    rows: list[dict[str, Any]] = []
    others = [m for m in fam.missing if m != args.missing]
    for j, cand in enumerate(power.candidates(fam.pedigree, fam.genotypes, args.missing,
                                              skip=others)):  # fmt: skip
        geno = carry_genotypes(fam.pedigree, fam.genotypes, cand.pedigree)
        one_call = per_call_seconds(cand, problem.markers, geno, args.missing)
        times, calls = [], 0
        for _ in range(args.runs):
            counter = mock.Mock(side_effect=genotype_posterior)
            with mock.patch.object(power, "genotype_posterior", counter):
                start = time.process_time()
                rng = np.random.default_rng([0, j])
                power.simulate_power(cand, problem.markers, geno, args.missing,
                                     n_sims=args.sims, rng=rng)  # fmt: skip
                times.append(time.process_time() - start)
            calls = counter.call_count
        seconds = statistics.median(times)
        rows.append(
            {
                "relative": cand.label,
                "seconds_per_1000_sims": seconds * 1000 / args.sims,
                "posterior_calls": calls,
                "posterior_call_seconds": one_call,
                "baseline_seconds": calls * one_call,
                "ratio": seconds / (calls * one_call),
            }
        )
    print(json.dumps({
        "dataset": args.dataset, "missing": args.missing, "markers": len(problem.markers),
        "sims": args.sims, "runs": args.runs, "clock": "process CPU time",
        "candidates": rows, "python": platform.python_version(), "numpy": np.__version__,
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
