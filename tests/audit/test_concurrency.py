"""Fifty writers at once on PostgreSQL: every accepted correction is in the log, none is lost,
a stale one is refused, and the database still matches its log."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection

from exhume.audit.events import Actor
from exhume.audit.models import LogEntry
from exhume.casework.actions import do_correct_remains
from exhume.casework.models import Remains
from exhume.errors import ConflictError
from exhume.publication.releases import check_live_database

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every writer on one file lock: concurrent writers need "
        "PostgreSQL (set EXHUME_TEST_DATABASE_URL)",
    ),
]

WRITERS, ROUNDS, SHARED = 50, 3, 4  # writers 0..39 share 4 records; 40..49 have one each


def test_fifty_concurrent_writers_lose_no_accepted_correction(
    make_site: Any, make_remains: Any
) -> None:
    site = make_site("concurrent")
    shared = [make_remains(site).pk for _ in range(SHARED)]
    own = [make_remains(site).pk for _ in range(WRITERS - 40)]
    accepted: list[tuple[int, int, str]] = []  # (record, version, writer)
    conflicts: Counter[str] = Counter()
    failures: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def write(n: int) -> None:
        actor = Actor(f"writer-{n}", "morgue")
        pk = shared[n % SHARED] if n < 40 else own[n - 40]
        try:
            start.wait()
            for k in range(ROUNDS):
                while True:
                    record = Remains.objects.get(pk=pk)  # read, then correct as of that version
                    try:
                        done = do_correct_remains(actor, record, reason=f"round {k}",
                                                  authority="board", notes=f"{n}/{k}")  # fmt: skip
                    except ConflictError:
                        conflicts[actor.username] += 1
                        continue
                    accepted.append((pk, done.version, actor.username))
                    break
        except BaseException as exc:  # reported below, with the thread's own error
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert len(accepted) == WRITERS * ROUNDS
    assert sum(conflicts.values()) > 0  # writers of a shared record did collide
    logged = set(
        LogEntry.objects.filter(record_type="casework.remains", action="correct")
        .values_list("record_id", "version", "actor")
    )  # fmt: skip
    assert {(str(pk), version, who) for pk, version, who in accepted} == logged
    for pk in shared + own:
        versions = sorted(v for p, v, _ in accepted if p == pk)
        assert versions == list(range(2, len(versions) + 2))  # one version each, none skipped
        last = max((v, who) for p, v, who in accepted if p == pk)
        record = Remains.objects.get(pk=pk)
        assert (record.version, record.notes.split("/")[0]) == (last[0], last[1].split("-")[1])
    assert check_live_database().problems == []
