"""Time of ``build_demo`` with and without its synthetic DNA, in the same run.

Each run builds the demo on a fresh SQLite file database twice in child processes: once as is
and once with :func:`exhume.demo.dna.build_dna` replaced by a no-op (the demo as it was before
DNA), and reports the medians of wall and CPU seconds and their ratio. Prints one JSON object.
Example: ``.venv/bin/python benchmarks/demo_bench.py --runs 3``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = """
import os, sys, time
os.environ["DJANGO_SETTINGS_MODULE"] = "exhume.project.settings"
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
import exhume.demo.build as build
if sys.argv[1] == "without":
    build.build_dna = lambda *a, **k: None
start, cpu = time.perf_counter(), time.process_time()
build.build_demo(2022)
print(time.perf_counter() - start, time.process_time() - cpu)
"""


def once(variant: str) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "EXHUME_DATA_DIR": tmp}
        env.pop("EXHUME_DATABASE_URL", None)
        done = subprocess.run([sys.executable, "-c", CHILD, variant], env=env, check=True,
                              capture_output=True, text=True)  # fmt: skip
        wall, cpu = done.stdout.split()
        return float(wall), float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    opts = parser.parse_args()
    results: dict[str, list[tuple[float, float]]] = {"with_dna": [], "without_dna": []}
    for _ in range(opts.runs):
        results["with_dna"].append(once("with"))
        results["without_dna"].append(once("without"))
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
           for k, v in results.items()}  # fmt: skip
    print(json.dumps({
        "runs": opts.runs,
        "with_dna": {"wall_s": round(med["with_dna"][0], 2), "cpu_s": round(med["with_dna"][1], 2)},
        "without_dna": {"wall_s": round(med["without_dna"][0], 2),
                        "cpu_s": round(med["without_dna"][1], 2)},
        "ratio_cpu": round(med["with_dna"][1] / med["without_dna"][1], 2),
        "load_average": os.getloadavg(),
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
