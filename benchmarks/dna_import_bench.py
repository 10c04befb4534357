"""Speed and memory of ``exhume dna import-profiles`` for N relatives' profiles (default 60,000,
23 STR markers plus amelogenin, a tenth of the markers untyped, one call in fifty a one-allele
call), with a same-run baseline.

Each run builds a fresh SQLite file database (not timed): one site with the FBI 2015
Caucasian frequencies, N/2 families of two typed relatives each and one buccal swab per relative
(bulk writes through :func:`exhume.audit.bulk.create_many`, logged). It then runs the real
command in a child process and reports its wall time and peak resident memory (``wait4``).
Baseline in the same run: a child process that only reads the same file with ``csv.reader``
and groups it by sample (what any importer must at least do). Prints one JSON object. Example:
``.venv/bin/python benchmarks/dna_import_bench.py --relatives 60000 --runs 1``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FREQUENCIES = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "frequencies" / "fbi2015.csv"
)
BASELINE = """
import csv, sys
groups = {}
with open(sys.argv[1], newline="") as f:
    reader = csv.reader(f)
    next(reader)
    for row in reader:
        groups.setdefault(row[0], []).append(row)
print(len(groups))
"""


def build(folder: Path, relatives: int, seed: int) -> Path:
    """A fresh database with ``relatives`` swabs, and the genotype table to import."""
    os.environ["EXHUME_DATA_DIR"] = str(folder)
    os.environ.pop("EXHUME_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "exhume.project.settings"
    import django
    from django.core.management import call_command
    from django.db import transaction

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from exhume.audit.bulk import create_many
    from exhume.audit.events import Actor
    from exhume.casework.actions import do_create_site
    from exhume.dna.actions import do_import_frequencies, do_set_kinship_parameters
    from exhume.dna.frequencies import read_frequency_csv
    from exhume.dna.models import Family, PedigreeMember, Sample

    actor = Actor.system("bench")
    site = do_create_site(actor, name="Bench", slug="bench", place="nowhere")
    rows = read_frequency_csv(FREQUENCIES.read_text(), "Caucasian", FREQUENCIES.name)
    db = do_import_frequencies(actor, name="fbi", population="Caucasian", rows=rows)
    do_set_kinship_parameters(actor, site=site, frequency_database=db)
    table: dict[str, tuple[list[str], list[float]]] = {}
    for r in rows:
        table.setdefault(r.marker, ([], []))[0].append(r.allele)
        table[r.marker][1].append(r.frequency)
    with transaction.atomic():
        families = create_many(
            [Family(site=site, name=f"F{i}") for i in range(relatives // 2)], actor
        )
        members = create_many(
            [PedigreeMember(family=f, label=f"R{k}", sex="female", relationship="full_sibling",
                            position=k) for f in families for k in (1, 2)],
            actor,
        )  # fmt: skip
        create_many(
            [Sample(barcode=f"S{m.pk:07d}", kind="buccal_swab", donor=m, collected_by="bench",
                    collected_on=dt.date(2023, 1, 1)) for m in members],
            actor,
        )  # fmt: skip
    rng = random.Random(seed)
    path = folder / "profiles.csv"
    with path.open("w") as out:
        out.write("sample,marker,allele1,allele2\n")
        for m in members:
            out.write(f"S{m.pk:07d},AMEL,X,X\n")
            for marker, (alleles, freqs) in table.items():
                if rng.random() < 0.1:
                    continue
                a, b = rng.choices(alleles, freqs, k=2)
                out.write(f"S{m.pk:07d},{marker},{a},{'-' if rng.random() < 0.02 else b}\n")
    return path


def child(args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of a child process; on a
    shared machine the CPU time is the steadier figure."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{args[:4]} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall_s": wall, "cpu_s": cpu, "peak_rss_mib": usage.ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--relatives", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    opts = parser.parse_args()
    runs: list[dict[str, float]] = []
    baselines: list[dict[str, float]] = []
    for run in range(opts.runs):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            env = {**os.environ, "EXHUME_DATA_DIR": str(folder)}
            env.pop("EXHUME_DATABASE_URL", None)
            env["DJANGO_SETTINGS_MODULE"] = "exhume.project.settings"
            script = [sys.executable, "-c", "from exhume.cli import main; main()"]
            if run == 0:
                path = build(folder, opts.relatives, opts.seed)
            else:  # a fresh database per run: build it in a child
                subprocess.run(
                    [sys.executable, __file__, "--build-only", str(folder), str(opts.relatives)],
                    check=True,
                )
                path = folder / "profiles.csv"
            size = path.stat().st_size
            baselines.append(child([sys.executable, "-c", BASELINE, str(path)], env))
            runs.append(child([*script, "dna", "import-profiles", str(path), "--site", "bench",
                               "--lab", "bench-lab", "--kit", "23 STR"], env))  # fmt: skip
    median = {k: round(statistics.median(r[k] for r in runs), 2) for k in runs[0]}
    base = {k: round(statistics.median(r[k] for r in baselines), 2) for k in baselines[0]}
    print(json.dumps({
        "relatives": opts.relatives, "runs": opts.runs, "file_mib": round(size / 2**20, 1),
        "import": median, "baseline_csv_read": base,
        "ratio_wall": round(median["wall_s"] / base["wall_s"], 2),
        "ratio_cpu": round(median["cpu_s"] / base["cpu_s"], 2),
        "load_average": os.getloadavg(),
        "profiles_per_s": round(opts.relatives / median["wall_s"]),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--build-only":
        build(Path(sys.argv[2]), int(sys.argv[3]), 1)
    else:
        main()
