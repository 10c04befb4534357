"""Speed of the exhume.ledger log, with a same-run baseline.

Measures (median of --runs runs, seconds):

* ``append``: appending N entries (default 10,000) to a fresh :class:`exhume.ledger.log.Log`
  (canonical JSON + entry validation + history rules + Merkle tree update per entry);
* ``verify``: verifying a log of M entries (default 100,000) from scratch: recompute the root
  from the stored leaves and verify the signed checkpoint (``verify_log(..., audit=False)``);
* ``verify_audit`` (with --audit): the same plus parsing and re-checking every entry's format
  and history rules;
* baselines in the same run: bare ``hashlib.sha256`` over the same leaf bytes (N and M), and
  the ratio measured / baseline.

Prints one JSON object. Example: ``.venv/bin/python benchmarks/ledger_bench.py --runs 3``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from exhume.ledger.commitments import commit, entry_leaf, make_entry
from exhume.ledger.keys import generate_signer
from exhume.ledger.log import Log, verify_log

T0 = datetime(2024, 5, 1, tzinfo=UTC)
SEXES = ("male", "female", "undetermined")


def entries(n: int) -> list[dict[str, Any]]:
    """N synthetic 'create' entries with a salted commitment and a category each."""
    salt = bytes(32)
    return [
        make_entry(
            seq=i,
            record_type="remains",
            record_id=f"R-{i:06d}",
            version=1,
            commitment=commit({"id": i}, salt),
            action="create",
            actor_role="anthropologist",
            time=T0 + timedelta(seconds=i),
            category={"kind": "person", "sex": SEXES[i % 3], "torture": i % 7 == 0},
        )
        for i in range(n)
    ]


def median_seconds(task: Callable[[], object], runs: int) -> float:
    """Median wall time of ``runs`` calls (CPU time is recorded in CPU_MEDIANS)."""
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        task()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU_MEDIANS.append(statistics.median(cpu))
    return statistics.median(times)


#: Process CPU time medians, in call order: less sensitive than wall time to a loaded machine.
CPU_MEDIANS: list[float] = []


def bare_sha256(leaves: list[bytes]) -> None:
    """The baseline: one SHA-256 per leaf, nothing else."""
    for leaf in leaves:
        hashlib.sha256(leaf).digest()


def append_all(batch: list[dict[str, Any]]) -> Log:
    """Append every entry to a new log."""
    log = Log()
    for entry in batch:
        log.append(entry)
    return log


def main() -> None:
    """Run the measurements and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--append-n", type=int, default=10_000)
    parser.add_argument("--verify-n", type=int, default=100_000)
    parser.add_argument("--audit", action="store_true", help="also time the full entry audit")
    args = parser.parse_args()

    small = entries(args.append_n)
    small_leaves = [entry_leaf(e) for e in small]
    append_s = median_seconds(lambda: append_all(small), args.runs)
    append_base = median_seconds(lambda: bare_sha256(small_leaves), args.runs)

    big_log = append_all(entries(args.verify_n))
    big_leaves = big_log.leaves()
    signer = generate_signer("bench.example/log")
    note = big_log.checkpoint("bench.example/log", signer)
    keys = [signer.verifier]
    verify_s = median_seconds(lambda: verify_log(big_leaves, note, keys, audit=False), args.runs)
    verify_base = median_seconds(lambda: bare_sha256(big_leaves), args.runs)
    result: dict[str, Any] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "runs": args.runs,
        "load_average_1m_at_start": round(os.getloadavg()[0], 2),
        "cpu_count": os.cpu_count(),
        "append": {
            "entries": args.append_n,
            "median_s": round(append_s, 4),
            "median_cpu_s": round(CPU_MEDIANS[0], 4),
            "per_entry_us": round(append_s / args.append_n * 1e6, 2),
            "baseline_bare_sha256_s": round(append_base, 4),
            "ratio_to_baseline": round(append_s / append_base, 1),
        },
        "verify": {
            "entries": args.verify_n,
            "median_s": round(verify_s, 4),
            "median_cpu_s": round(CPU_MEDIANS[2], 4),
            "baseline_bare_sha256_s": round(verify_base, 4),
            "ratio_to_baseline": round(verify_s / verify_base, 1),
        },
    }
    if args.audit:
        audit_s = median_seconds(lambda: verify_log(big_leaves, note, keys), args.runs)
        result["verify_audit"] = {
            "entries": args.verify_n,
            "median_s": round(audit_s, 4),
            "median_cpu_s": round(CPU_MEDIANS[4], 4),
            "per_entry_us": round(audit_s / args.verify_n * 1e6, 2),
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
