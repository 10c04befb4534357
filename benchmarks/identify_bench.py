"""Time of ``exhume identify`` on the demo's Izium site: screened search against every pair
through the engine, in the same run.

Builds the demo once on a fresh SQLite file database (not timed), then, ``--runs`` times in
turn: the DNA search with every body x missing-person pair through the engine
(``search(exhaustive=True)``, what ``exhume identify`` did before screening) and the screened
search (``search()``), checking that both find the same candidates and flags; then the whole
run (``site_dna`` + :func:`~exhume.identification.runs.run_identification`, database writes
included) as a first run and as re-runs on unchanged records. Prints one JSON object with
medians, the ratio and the per-stage seconds of the last screened search. Example:
``.venv/bin/python benchmarks/identify_bench.py --runs 3``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-exhaustive", action="store_true", help="skip the slow reference")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["EXHUME_DATA_DIR"] = tmp
        os.environ.pop("EXHUME_DATABASE_URL", None)
        os.environ["DJANGO_SETTINGS_MODULE"] = "exhume.project.settings"
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", interactive=False, verbosity=0)
        print(json.dumps(measure(args.runs, not args.no_exhaustive), indent=1))


def _timed(fn: Any, *args: Any, **kw: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - start, out


def _key(result: Any) -> tuple[list[Any], list[Any]]:
    cands = sorted(
        (c.victim, c.missing, c.conclusion, round(c.log10_lr, 9)) for c in result.candidates
    )
    return cands, sorted((f.kind, f.detail) for f in result.flags)


def measure(runs: int, exhaustive: bool) -> dict[str, Any]:
    from exhume.audit.events import Actor
    from exhume.casework.models import Site
    from exhume.demo import build_demo
    from exhume.identification.dna_source import site_dna
    from exhume.identification.runs import run_identification
    from exhume.identification.search import search

    build_demo(2022)
    site = Site.objects.get(slug="izium")
    problem = site_dna(site).problem
    slow: list[float] = []
    fast: list[float] = []
    same = True
    result: Any = None
    for _ in range(runs):
        if exhaustive:
            t, reference = _timed(search, problem, exhaustive=True)
            slow.append(t)
        t, result = _timed(search, problem)
        fast.append(t)
        same = same and (not exhaustive or _key(result) == _key(reference))
    actor = Actor("bench", "system")
    whole: list[float] = []
    for _ in range(runs + 1):
        t, _run = _timed(lambda: run_identification(actor, site, site_dna(site)))
        whole.append(t)
    out: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cpu, load {os.getloadavg()[0]:.1f}",
        "pairs": result.pairs,
        "pairs_computed": result.pairs_computed,
        "candidates": len(result.candidates),
        "screened_search_s": {"median": statistics.median(fast), "all": fast},
        "screened_stages_s": result.seconds,
        "first_run_s": whole[0],
        "rerun_s": {"median": statistics.median(whole[1:]), "all": whole[1:]},
    }
    if exhaustive:
        out["exhaustive_search_s"] = {"median": statistics.median(slow), "all": slow}
        out["ratio"] = statistics.median(slow) / statistics.median(fast)
        out["same_candidates_and_flags"] = same
    return out


if __name__ == "__main__":
    main()
