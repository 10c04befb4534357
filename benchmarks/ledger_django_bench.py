"""Speed of the ledger through Django (SQLite), with pure-library baselines from the same run.

Measures (median of --runs runs; wall seconds, and process CPU seconds beside them):

* ``append_actions``: recording N remains (default 10,000) through ``do_record_remains``, the
  real action: validation, INSERT, and the log entry (ledger commitment + entry + leaf, head
  lock) in one transaction per action, all inside one outer batch transaction as an importer
  or the demo builder runs them. Each run writes to a new site of a fresh file database.
* ``append_actions_autocommit`` (N / 10 records): the same with every action committing on its
  own, as the admin pages do (one SQLite commit per record).
* ``verify_log_table``: checking a database log of M entries (default 100,000): load the rows,
  recompute every leaf from the row's fields, the ledger's entry audit, and the signed
  checkpoint of a release at M entries (``check_log_rows``, which also applies every rule of
  ``ledger.audit_entries``, + ``check_releases``).
* ``verify_database``: ``exhume verify --db`` on the same database: the above plus every logged
  table against the log (one commitment per row).
* baselines in the same run: the pure library's ``Log.append`` of N entries and
  ``verify_log`` of the same M leaves (with and without the entry audit), and the same N
  remains saved with bare ``Model.save()`` (no validation, no log).

The M-entry log is made by the same functions the actions use (``snapshot``, ``ledger.commit``,
``make_entry``, ``entry_leaf``) with bulk INSERTs, and the benchmark checks that the database
verifies clean before timing. Prints one JSON object. Example:
``.venv/bin/python benchmarks/ledger_django_bench.py --runs 3``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DAY = dt.date(2022, 9, 16)
SEXES = ("female", "male", "undetermined")


def setup(folder: Path) -> None:
    """Django on a fresh SQLite file in ``folder``, migrated."""
    os.environ["EXHUME_DATA_DIR"] = str(folder)
    os.environ.pop("EXHUME_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "exhume.project.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def timed(task: Callable[[], object], runs: int) -> dict[str, float]:
    """Median wall and CPU seconds of ``runs`` calls."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        task()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {
        "median_s": round(statistics.median(wall), 4),
        "median_cpu_s": round(statistics.median(cpu), 4),
    }


def remains_fields(i: int) -> dict[str, Any]:
    return {
        "case_number": f"B-{i:07d}",
        "exhumed_on": DAY + dt.timedelta(days=i % 9),
        "sex": SEXES[i % 3],
        "age_class": "adult",
        "status": "civilian",
        "cause_of_death": "gunshot",
        "violent_death": "yes",
    }


class Sites:
    """A new site per run, so case numbers never collide."""

    def __init__(self) -> None:
        self.count = 0

    def new(self) -> Any:
        from exhume.audit.events import Actor
        from exhume.casework.actions import do_create_site

        self.count += 1
        slug = f"bench-{self.count}"
        return do_create_site(Actor.system("bench"), slug=slug, name=slug, place="Bench")


def append_through_actions(site: Any, n: int, *, batch: bool) -> None:
    from django.db import transaction

    from exhume.audit.events import Actor
    from exhume.casework.actions import do_record_remains

    actor = Actor("bench", "morgue")
    if not batch:
        for i in range(n):
            do_record_remains(actor, site=site, **remains_fields(i))
        return
    with transaction.atomic():
        for i in range(n):
            do_record_remains(actor, site=site, **remains_fields(i))


def bare_saves(site: Any, n: int) -> None:
    from django.db import transaction

    from exhume.casework.models import Remains

    with transaction.atomic():
        for i in range(n):
            Remains(site=site, **remains_fields(i)).save()


def pure_append(n: int) -> None:
    from django.utils import timezone

    from exhume.ledger import Log, commit, make_entry, new_salt

    log = Log()
    for i in range(n):
        log.append(
            make_entry(
                seq=i,
                record_type="casework.remains",
                record_id=str(i),
                version=1,
                commitment=commit(remains_fields(i) | {"exhumed_on": "2022-09-16"}, new_salt()),
                action="create",
                actor_role="morgue",
                time=timezone.now(),
                category={"kind": "person", "sex": SEXES[i % 3], "torture": False},
            )
        )


def bulk_log(site: Any, n: int) -> None:
    """``n`` remains rows and their log entries, made exactly as append_event makes them."""
    from django.db import transaction
    from django.utils import timezone

    from exhume.audit.events import lock_head, snapshot
    from exhume.audit.models import LogEntry
    from exhume.casework.models import Remains
    from exhume.casework.queries import remains_category
    from exhume.ledger import commit, entry_leaf, make_entry, new_salt

    with transaction.atomic():
        rows = Remains.objects.bulk_create(
            [Remains(site=site, **remains_fields(i)) for i in range(n)], batch_size=2000
        )
        head = lock_head()
        entries = []
        for offset, remains in enumerate(rows):
            salt = new_salt()
            entry = make_entry(
                seq=head.size + offset,
                record_type="casework.remains",
                record_id=str(remains.pk),
                version=1,
                commitment=commit(snapshot(remains), salt),
                action="create",
                actor_role="morgue",
                time=timezone.now(),
                category=json.loads(json.dumps(remains_category(remains))),
            )
            entries.append(
                LogEntry(
                    seq=entry["seq"],
                    record_type=entry["record_type"],
                    record_id=entry["record_id"],
                    version=1,
                    action="create",
                    actor="bench",
                    actor_role="morgue",
                    time=dt.datetime.fromisoformat(entry["time"]),
                    salt=salt.hex(),
                    commitment=entry["commitment"],
                    category=entry["category"],
                    leaf=entry_leaf(entry).decode(),
                )
            )
        LogEntry.objects.bulk_create(entries, batch_size=2000)
        head.size += n
        head.save(update_fields=["size"])


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from exhume.audit.events import Actor
    from exhume.audit.integrity import check_log_rows, check_releases, log_rows
    from exhume.audit.keys import current_key
    from exhume.audit.models import LogEntry
    from exhume.ledger import parse_vkey, verify_log
    from exhume.publication.models import Release
    from exhume.publication.releases import check_live_database, do_publish_release

    sites, n, m = Sites(), args.append_n, args.verify_n
    result: dict[str, Any] = {}
    result["append_actions"] = {
        "entries": n,
        **timed(lambda: append_through_actions(sites.new(), n, batch=True), args.runs),
    }
    result["append_actions"]["per_entry_us"] = round(
        result["append_actions"]["median_s"] / n * 1e6, 1
    )
    k = max(1, n // 10)
    result["append_actions_autocommit"] = {
        "entries": k,
        **timed(lambda: append_through_actions(sites.new(), k, batch=False), args.runs),
    }
    result["baseline_pure_log_append"] = {"entries": n, **timed(lambda: pure_append(n), args.runs)}
    unlogged: list[Any] = []

    def bare() -> None:
        unlogged.append(sites.new())
        bare_saves(unlogged[-1], n)

    result["baseline_bare_model_save"] = {"entries": n, **timed(bare, args.runs)}
    # Bring the log to m entries (bulk, same functions), publish a small site, check it is clean.
    from exhume.audit.keys import current_signer
    from exhume.casework.models import Remains

    Remains.objects.filter(site__in=unlogged).delete()  # the bare saves were never logged
    current_signer(Actor("bench", "admin"))
    small = sites.new()
    append_through_actions(small, 50, batch=True)
    bulk_site = sites.new()
    missing = m - LogEntry.objects.count() - 1  # the publish entry comes last
    bulk_log(bulk_site, missing)
    do_publish_release(Actor("bench", "admin"), small)
    clean = check_live_database()
    if not clean.ok or clean.entries != m:
        raise SystemExit(f"benchmark database is not clean: {clean.entries} {clean.problems[:5]}")
    releases = list(Release.objects.all())

    def log_table() -> None:
        rows = log_rows()
        leaves = [r.leaf.encode() for r in rows]
        assert not check_log_rows(rows)
        assert not check_releases(leaves, releases)

    result["verify_log_table"] = {"entries": m, **timed(log_table, args.runs)}
    result["verify_database"] = {
        "entries": m,
        "records": clean.records,
        **timed(check_live_database, args.runs),
    }
    leaves = [r.encode() for r in LogEntry.objects.order_by("seq").values_list("leaf", flat=True)]
    note = releases[0].checkpoint
    key = current_key()
    assert key is not None
    keys = [parse_vkey(key.vkey)]
    result["baseline_pure_verify_log"] = {
        "entries": m,
        **timed(lambda: verify_log(leaves, note, keys, audit=False), args.runs),
    }
    result["baseline_pure_verify_log_audit"] = {
        "entries": m,
        **timed(lambda: verify_log(leaves, note, keys), args.runs),
    }
    return result


def main() -> None:
    """Run the measurements in a temporary data folder and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--append-n", type=int, default=10_000)
    parser.add_argument("--verify-n", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="exhume-bench-") as folder:
        setup(Path(folder))
        load = os.getloadavg()[0]
        figures = measure(args)
    print(
        json.dumps(
            {
                "python": platform.python_version(),
                "platform": sys.platform,
                "cpu_count": os.cpu_count(),
                "load_average_1m_at_start": round(load, 2),
                "database": "SQLite file (EXHUME_DATA_DIR in a temporary folder)",
                "runs": args.runs,
                **figures,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
