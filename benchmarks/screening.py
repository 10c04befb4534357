"""Speed and memory of national-scale kinship screening, with a same-run baseline.

Simulates a scenario (built-in synthetic 23-marker table, proportional mutation 1e-3, seed;
by default 10% of the families with two missing persons, a father and his son or a husband
and his wife, each screened as its own column), then ``--repeat`` times: times
``exhume.kinship.screening.screen`` alone (conditional genotype tables of every missing
person, plus the body x missing-person look-ups, top-K, threshold pairs, exact rescoring and
exclusion counts), and in the same run a bare NumPy gather-and-sum over the same number of
(body, missing person, marker) look-ups on float32 tables of the same shapes. Prints one JSON
object: remains, missing (families), two_missing, missing_persons (columns), medians of
seconds, cpu_seconds, baseline_seconds and of the per-repeat ratio, every repeat's figures,
the load average before and after, peak_rss_bytes, pairs_per_second, and the accuracy report
(recall@1 by typed references, by typed markers and for two-missing families; share of
unrelated pairs with LR >= 10^k, k = 2..6).

``exhume bench screening --json`` runs one screening of one-missing families. Target:
10,000 x 60,000 x 23 in <= 60 s on two cores with peak RSS <= 8 GiB. Examples::

    .venv/bin/python benchmarks/screening.py --remains 10000 --missing 60000
    .venv/bin/python benchmarks/screening.py --remains 500 --missing 5000 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import time

from exhume.kinship.screening import ScreeningParams
from exhume.kinship.screeningbench import benchmark


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--remains", type=int, default=1000)
    parser.add_argument("--missing", type=int, default=6000)
    parser.add_argument("--markers", type=int, default=23)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-mb", type=int, default=ScreeningParams().memory_mb)
    parser.add_argument("--threshold", type=float, default=100.0)
    parser.add_argument("--two-missing-share", type=float, default=0.1,
                        help="Share of the families with two missing persons.")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=3,
                        help="Screenings, each with its baseline (medians).")  # fmt: skip
    parser.add_argument("--profile", action="store_true",
                        help="Also print the 25 functions with most CPU time.")  # fmt: skip
    args = parser.parse_args()
    params = ScreeningParams(
        threshold=args.threshold, threads=args.threads, memory_mb=args.memory_mb
    )
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    if profiler is not None:
        profiler.enable()
    two = round(args.two_missing_share * args.missing)
    report = benchmark(args.remains, args.missing, args.markers, seed=args.seed, params=params,
                       two_missing=two, repeat=args.repeat)  # fmt: skip
    print(json.dumps(report))
    if profiler is not None:
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue())


if __name__ == "__main__":
    main()
