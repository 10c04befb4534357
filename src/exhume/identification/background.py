"""Runs started from the board: recorded as running at once, done in a background thread of
the server process, their progress polled by the board.

The run record is written before the thread starts (so the board shows it at once and a second
start is refused); the thread reads the site's DNA, searches and records the outcome, or marks
the run failed with the error. A run whose process dies (a crash, a restart) shows no progress
and is marked failed by the next status poll or start (:data:`~exhume.identification.progress.
STALE_SECONDS`). Tests replace :data:`EXECUTOR` to run the work inline.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections, connection

from exhume.audit.events import Actor
from exhume.casework.models import Site
from exhume.identification.dna_source import site_dna
from exhume.identification.models import IdentificationRun
from exhume.identification.runs import execute_run, start_run

LOG = logging.getLogger(__name__)


def _in_thread(work: Callable[[], None]) -> None:
    def target() -> None:
        close_old_connections()
        try:
            work()
        finally:
            connection.close()  # this thread's own connection, never the caller's

    threading.Thread(target=target, name="exhume-identification-run", daemon=True).start()


#: How the work of a started run is executed (a daemon thread; tests run it inline).
EXECUTOR: Callable[[Callable[[], None]], None] = _in_thread


def start_background_run(actor: Actor, site: Site) -> IdentificationRun:
    """Record a run of ``site`` as started and do it in the background; the run record."""
    run = start_run(actor, site)

    def work() -> None:
        try:
            execute_run(actor, run, lambda: site_dna(site))
        except Exception:  # recorded on the run as failed by execute_run
            LOG.exception("identification run %s failed", run.pk)

    EXECUTOR(work)
    return run
