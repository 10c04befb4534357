"""Accuracy of ``exhume kinship solve`` on simulated cases with mislabelled relatives.

Each seed draws a problem of ``--families`` families (one missing person each, 1 to 4 typed
references, 23 synthetic STRs with the default proportional mutation model, a quarter of the
bodies partial, ``--p-error`` of the families with two or more references carrying a planted
error: a stated father who is not the biological father, a half sibling stated as a full
sibling, or two swapped tubes; see :mod:`exhume.kinship.mislabel`). The stepwise solver runs
(library call, as ``exhume kinship solve`` does) and then the pedigree check
(:mod:`exhume.kinship.pedigree_check`). Reported, over the bodies of reported missing persons:
named by the solver alone, named with the pedigree corrections, missed (with each miss's
case), and wrong names (any name given to the wrong body), by number of typed references and
by typed markers of the body; CPU seconds of the solver (the baseline) and of the check.
Prints one JSON object. Example: ``.venv/bin/python benchmarks/mislabelled.py --seeds 10``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections import Counter
from collections.abc import Callable

import numpy as np

from exhume.kinship import dvi
from exhume.kinship.frequencies import (
    DEFAULT_MUTATION_KIND,
    DEFAULT_MUTATION_PARAMS,
    synthetic_frequencies,
    with_mutation,
)
from exhume.kinship.mislabel import BodyResult, evaluate, simulate_mislabelled
from exhume.kinship.pedigree_check import SETTLED, check_references, find_corrections
from exhume.kinship.solve import solve


def table(bodies: list[BodyResult], key: Callable[[BodyResult], str]) -> dict[str, dict[str, int]]:
    """Counts of each result by ``key(body)``."""
    out: dict[str, Counter[str]] = {}
    for b in bodies:
        out.setdefault(key(b), Counter())[b.result] += 1
    return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}


def _bucket(typed: int, total: int) -> str:
    return "all" if typed == total else f"{(typed // 4) * 4}-{(typed // 4) * 4 + 3}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--families", type=int, default=50)
    parser.add_argument("--p-error", type=float, default=0.3)
    parser.add_argument("--markers", type=int, default=23, help="use the first N markers")
    args = parser.parse_args()
    markers = with_mutation(synthetic_frequencies()[: args.markers], DEFAULT_MUTATION_KIND,
                            **DEFAULT_MUTATION_PARAMS)  # fmt: skip
    bodies: list[BodyResult] = []
    wrong: list[str] = []
    solve_s, check_s, planted = [], [], 0
    for seed in range(1, args.seeds + 1):
        case = simulate_mislabelled(markers, seed, n_families=args.families,
                                    p_error=args.p_error)  # fmt: skip
        planted += sum(e != "none" for e in case.errors.values())
        start = time.process_time()
        ctx = dvi.make_context(case.problem)
        result = solve(ctx)
        solve_s.append(time.process_time() - start)
        start = time.process_time()
        named = {c.missing: c.sample for c in result.conclusions
                 if c.conclusion in SETTLED and c.sample}  # fmt: skip
        suspects = {r.reference for r in check_references(case.problem) if r.flagged}
        fixes = find_corrections(case.problem, dvi.pairwise_lr(ctx), named, 1e4, suspects)
        check_s.append(time.process_time() - start)
        out = evaluate(case, [(c.missing, c.sample, c.conclusion) for c in result.conclusions],
                       [(c.missing, c.sample) for c in fixes])  # fmt: skip
        bodies.extend(out.bodies)
        wrong.extend(f"seed {seed}: {w}" for w in out.wrong)
    print(json.dumps({
        "seeds": args.seeds, "families_per_seed": args.families, "p_error": args.p_error,
        "markers": args.markers,
        "planted_errors": planted, "bodies": len(bodies),
        "named_by_solver": sum(b.result == "named" for b in bodies),
        "named_by_correction": sum(b.result == "named by correction" for b in bodies),
        "missed": [f"{b.body} ({b.missing}, {b.n_references} refs, error: {b.error})"
                   for b in bodies if b.result == "missed"],
        "wrong_names": wrong,
        "by_references": table(bodies, lambda b: str(b.n_references)),
        "by_typed_markers": table(bodies, lambda b: _bucket(b.typed_markers, args.markers)),
        "by_error": table(bodies, lambda b: b.error.split()[0]),
        "solver_cpu_seconds_median": statistics.median(solve_s),
        "check_cpu_seconds_median": statistics.median(check_s),
        "ratio_check_to_solver": statistics.median(check_s) / statistics.median(solve_s),
        "python": platform.python_version(), "numpy": np.__version__,
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
