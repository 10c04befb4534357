"""Incremental screening: one new body, or one new family, against tables kept on disk.

A scenario of ``--families`` missing persons and ``--remains`` bodies is simulated
(``exhume kinship simulate``'s generator, 23 markers with mutation). Timed, in seconds:

* ``build``: the tables of every family built and written to the cache (once);
* ``new_body``: one more body screened against every family through the cache, in a fresh
  ``TableCache`` (reading the index and the body's rows of each table), median of ``--runs``;
* ``new_family``: one family's references changed: its table rebuilt and the family screened
  against every body, median of ``--runs`` (a fresh copy of the family each run);
* baseline (same run): ``screen`` of the same one body without the cache, which builds every
  table again (once, or median of ``--runs`` with ``--baseline-runs``).

Checks that the cached result for the new body equals the uncached one. Prints JSON with
the load average. Example: ``.venv/bin/python benchmarks/screening_incremental.py
--families 60000 --remains 1000``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from exhume.kinship.screening import ScreeningParams, screen
from exhume.kinship.screeningcache import TableCache, family_digests, screen_cached
from exhume.kinship.simulate import simulate_scenario


def timed(task: Callable[[], object], runs: int) -> tuple[float, object]:
    """Median wall time of ``runs`` calls and the last call's value."""
    times, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = task()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def main() -> None:
    """Simulate, build the cache, time the incremental cases and the baseline; print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=60_000)
    parser.add_argument("--remains", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline-runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()
    scenario, _ = simulate_scenario(args.families, args.remains + 1, 0.5, seed=args.seed)
    fam = scenario.family_data()
    params = ScreeningParams(top=5, threshold=1e4, threads=2)
    old_g, old_s = scenario.remains_genotypes[:-1], scenario.remains_sex[:-1]
    new_g, new_s = scenario.remains_genotypes[-1:], scenario.remains_sex[-1:]
    out: dict[str, Any] = {"load_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as root:
        cache = TableCache(root, fam.markers)
        digests = family_digests(fam)
        screened = np.arange(args.families, dtype=np.int64)
        out["build"], _ = timed(lambda: cache.ensure(fam, screened, digests, params), 1)
        out["new_body"], cached = timed(
            lambda: screen_cached(fam, TableCache(root, fam.markers), new_g, new_s, params)[0],
            args.runs,
        )
        out["baseline_screen_without_cache"], plain = timed(
            lambda: screen(fam, new_g, new_s, params), args.baseline_runs
        )
        out["baseline_over_new_body"] = out["baseline_screen_without_cache"] / out["new_body"]
        assert isinstance(cached, type(plain))
        out["new_body_equals_uncached"] = bool(
            np.array_equal(cached.top_family, plain.top_family)  # type: ignore[attr-defined]
            and np.array_equal(cached.top_log_lr, plain.top_log_lr)  # type: ignore[attr-defined]
        )
        row = int(fam.family_offset[7])
        counter = iter(range(10**6))

        def new_family() -> int:
            genotypes = np.array(fam.genotypes, copy=True)
            genotypes[row] = old_g[next(counter) % old_g.shape[0]]
            changed = dataclasses.replace(fam, genotypes=genotypes)
            _, built = screen_cached(changed, TableCache(root, fam.markers), old_g, old_s,
                                     params, families=np.array([7]))  # fmt: skip
            return built

        out["new_family"], built = timed(new_family, args.runs)
        out["new_family_tables_built"] = built
    out["load_after"] = os.getloadavg()[0]
    print(json.dumps({"benchmark": "screening_incremental", "families": args.families,
                      "remains": args.remains, "markers": len(fam.markers), "runs": args.runs,
                      "cpus": os.cpu_count(), "results": out}, indent=2))  # fmt: skip
    print(f"new body: {out['new_body']:.3f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
