"""Speed and memory of national-scale screening, with a same-run baseline.

:func:`benchmark` simulates a scenario, times :func:`exhume.kinship.screening.screen` alone
(tables included) and, in the same run, :func:`gather_sum_baseline`: a bare NumPy
gather-and-sum over the same look-ups. Used by ``exhume bench screening`` and
``benchmarks/screening.py``.
"""

from __future__ import annotations

import os
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

__all__ = ["benchmark", "gather_sum_baseline", "warm_up"]

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


def warm_up(seed: int) -> float:
    """Seconds to screen a tiny scenario: what loading (or, on a fresh checkout, compiling)
    the compiled loops costs once per process, kept out of the timed screenings."""
    scenario, _ = simulate_scenario(40, 20, 0.5, seed=seed, two_missing=4)
    t0 = time.perf_counter()
    screen(scenario.family_data(), scenario.remains_genotypes, scenario.remains_sex)
    return round(time.perf_counter() - t0, 3)


def benchmark(
    remains: int,
    missing: int,
    markers: int,
    *,
    seed: int,
    params: ScreeningParams,
    two_missing: int = 0,
    repeat: int = 1,
) -> dict[str, Any]:
    """Simulate ``missing`` families (``two_missing`` of them with two missing persons, each
    screened as its own column), then ``repeat`` times: time the screening alone (tables
    included) and, in the same run, the bare gather-and-sum baseline over the same look-ups
    (float32 tables of the same shapes, filled with random numbers: a gather does not care
    about values). Reports medians (``seconds``, ``baseline_seconds``, ``ratio`` = median of
    the per-repeat ratios) and every repeat's figures, ``warmup_seconds`` (:func:`warm_up`,
    before the repeats), the load average (``os.getloadavg``)
    before and after, and accuracy against the truth. ``peak_rss_bytes`` is the process peak
    read right after the first screening; ``cpu_seconds`` the CPU time of all the process's
    threads during a screening (wall time depends on the load that other processes put on
    the machine), ``baseline_cpu_seconds`` likewise (one thread)."""
    load_before = os.getloadavg()
    warmup = warm_up(seed)
    scenario, truth = simulate_scenario(
        missing, remains, 0.5, seed=seed, n_markers=markers, two_missing=two_missing
    )
    fam = scenario.family_data()
    rows = body_rows(scenario.markers, scenario.remains_genotypes, scenario.remains_sex)
    runs: list[dict[str, float]] = []
    peak = 0
    for _ in range(max(1, repeat)):
        t0, c0 = time.perf_counter(), time.process_time()
        result = screen(fam, scenario.remains_genotypes, scenario.remains_sex, params)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        peak = peak or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        n_cols = scenario.n_missing - len(result.skipped)
        rng = np.random.default_rng(seed)
        tables32 = [
            rng.random((n_genotypes(m.n_alleles) + m.n_alleles + 1, n_cols), dtype=np.float32)
            for m in scenario.markers
        ]
        t0, c0 = time.perf_counter(), time.process_time()
        gather_sum_baseline(tables32, rows)
        baseline, base_cpu = time.perf_counter() - t0, time.process_time() - c0
        del tables32
        ratio = seconds / baseline if baseline > 0 else float("nan")
        runs.append(
            {
                "seconds": round(seconds, 3),
                "cpu_seconds": round(cpu, 3),
                "baseline_seconds": round(baseline, 3),
                "baseline_cpu_seconds": round(base_cpu, 3),
                "ratio": round(ratio, 3),
            }
        )
    accuracy = evaluate_screening(
        scenario, truth, result.top_family, result.pair_body, result.pair_family,
        result.pair_log_lr * LOG10, set(result.skipped), params.threshold,
    )  # fmt: skip

    def median(key: str) -> float:
        return round(float(np.median([r[key] for r in runs])), 3)

    seconds = median("seconds")
    return {
        "remains": remains,
        "missing": missing,
        "markers": markers,
        "two_missing": two_missing,
        "missing_persons": scenario.n_missing,
        "repeat": len(runs),
        "warmup_seconds": warmup,
        "seconds": seconds,
        "cpu_seconds": median("cpu_seconds"),
        "baseline_seconds": median("baseline_seconds"),
        "baseline_cpu_seconds": median("baseline_cpu_seconds"),
        "ratio": median("ratio"),
        "runs": runs,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "peak_rss_bytes": peak,
        "pairs_per_second": round(remains * scenario.n_missing / seconds),
        "threads": params.threads,
        "memory_mb": params.memory_mb,
        "accuracy": accuracy,
    }
