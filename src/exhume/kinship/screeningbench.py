"""Speed and memory of national-scale screening, with a same-run baseline.

:func:`benchmark` simulates a scenario, times :func:`exhume.kinship.screening.screen` alone
(tables included) and, in the same run, :func:`gather_sum_baseline`: a bare NumPy
gather-and-sum over the same look-ups. Used by ``exhume bench screening`` and
``benchmarks/screening.py``.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from exhume.kinship.genotypes import n_genotypes
from exhume.kinship.screening import ScreeningParams, screen
from exhume.kinship.screeningreport import LOG10, evaluate_screening
from exhume.kinship.screeningtables import body_rows
from exhume.kinship.simulate import simulate_scenario

__all__ = ["benchmark", "gather_sum_baseline"]

IntArray = NDArray[np.int64]


def gather_sum_baseline(
    tables32: Sequence[NDArray[np.float32]], rows: IntArray, *, chunk: int = 32
) -> float:
    """The benchmark baseline: a bare NumPy gather-and-sum over the same look-ups as
    :func:`screen_tables` (every body x every column x every marker, float32,
    ``sum_m T_m[rows[:, m]]`` per chunk of bodies, no selection). Returns a checksum (the
    largest sum) so that the work cannot be skipped."""
    best = -np.inf
    for b0 in range(0, rows.shape[0], chunk):
        r = rows[b0 : b0 + chunk]
        acc = tables32[0][r[:, 0]]
        for m in range(1, len(tables32)):
            acc += tables32[m][r[:, m]]
        best = max(best, float(acc.max()))
    return best


def benchmark(
    remains: int, missing: int, markers: int, *, seed: int, params: ScreeningParams
) -> dict[str, Any]:
    """Simulate, time the screening alone (tables included) and, in the same run, the bare
    gather-and-sum baseline over the same look-ups (float32 tables of the same shapes, filled
    with random numbers: a gather does not care about values); add accuracy against the truth.
    ``peak_rss_bytes`` is the process peak read right after the screening; ``cpu_seconds`` the
    CPU time of all the process's threads during the screening (wall time depends on the load
    that other processes put on the machine)."""
    scenario, truth = simulate_scenario(missing, remains, 0.5, seed=seed, n_markers=markers)
    fam = scenario.family_data()
    t0, c0 = time.perf_counter(), time.process_time()
    result = screen(fam, scenario.remains_genotypes, scenario.remains_sex, params)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    n_cols = scenario.n_families - len(result.skipped)
    rng = np.random.default_rng(seed)
    tables32 = [
        rng.random((n_genotypes(m.n_alleles) + m.n_alleles + 1, n_cols), dtype=np.float32)
        for m in scenario.markers
    ]
    rows = body_rows(scenario.markers, scenario.remains_genotypes, scenario.remains_sex)
    t0 = time.perf_counter()
    gather_sum_baseline(tables32, rows)
    baseline = time.perf_counter() - t0
    del tables32
    accuracy = evaluate_screening(
        scenario, truth, result.top_family, result.pair_body, result.pair_family,
        result.pair_log_lr * LOG10, set(result.skipped), params.threshold,
    )  # fmt: skip
    pairs = remains * missing
    return {
        "remains": remains,
        "missing": missing,
        "markers": markers,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "baseline_seconds": round(baseline, 3),
        "ratio": round(seconds / baseline, 2) if baseline > 0 else None,
        "peak_rss_bytes": peak,
        "pairs_per_second": round(pairs / seconds),
        "threads": params.threads,
        "memory_mb": params.memory_mb,
        "accuracy": accuracy,
    }
