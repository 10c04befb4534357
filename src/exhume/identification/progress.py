"""How far a running identification run has got: one small JSON file per run in the data folder
(``EXHUME_DATA_DIR/runs/RUN.json``), written at the end of each stage and read by the board's
status poll, whichever server process answers it.

Progress is not a record: it says nothing about the evidence, so it is not logged; the run's
start and its end (complete, or failed with the error) are, through the actions. The file's
age tells a run that is still working from one whose process died: a running run with no
progress for :data:`STALE_SECONDS` is marked failed (:func:`~exhume.identification.actions.
do_fail_stale_runs`).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy

from exhume import config

#: Seconds without progress after which a running run is taken to have died.
STALE_SECONDS = 600
#: The stages of a run, in order, with the words the board shows.
STAGES: tuple[tuple[str, Any], ...] = (
    ("records", gettext_lazy("reading the site's DNA records")),
    ("direct_matches", gettext_lazy("remains against remains")),
    ("checks", gettext_lazy("references against their families")),
    ("screening", gettext_lazy("screening every body against every missing person")),
    ("pairwise", gettext_lazy("likelihood ratios of the candidates")),
    ("solve", gettext_lazy("joint solve where bodies compete")),
    ("corrections", gettext_lazy("corrected pedigrees")),
    ("evidence", gettext_lazy("evidence beyond DNA and the policy")),
    ("recording", gettext_lazy("recording the proposals")),
)
STAGE_NAMES = tuple(name for name, _ in STAGES)


def progress_path(run_id: int) -> Path:
    """Where the progress of run ``run_id`` is kept."""
    return config.data_dir() / "runs" / f"{run_id}.json"


def write_progress(run_id: int, done: dict[str, float]) -> None:
    """Record the stages done so far (name -> seconds); written to a temporary name and moved
    into place, so a reader never sees half a file."""
    path = progress_path(run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"done": done, "at": time.time()}))
    os.replace(tmp, path)


def read_progress(run_id: int) -> dict[str, Any]:
    """``{"stages": [{name, label, state, seconds}], "step": k, "steps": n}`` of a run (every
    stage waiting when nothing was written yet)."""
    try:
        done: dict[str, float] = json.loads(progress_path(run_id).read_text())["done"]
    except (OSError, ValueError, KeyError):
        done = {}
    stages = []
    current = next((n for n in STAGE_NAMES if n not in done), None)
    for name, label in STAGES:
        state = "done" if name in done else "running" if name == current else "waiting"
        stages.append({"name": name, "label": str(label), "state": state,
                       "seconds": done.get(name)})  # fmt: skip
    step = sum(1 for n in STAGE_NAMES if n in done)
    return {"stages": stages, "step": step, "steps": len(STAGES)}


def seconds_since_progress(run_id: int, started: float) -> float:
    """Seconds since the run last showed progress (since ``started``, a POSIX time, when it
    never did)."""
    try:
        last = progress_path(run_id).stat().st_mtime
    except OSError:
        last = started
    return time.time() - max(last, started)


def clear_progress(run_id: int) -> None:
    """Remove a finished run's progress file."""
    progress_path(run_id).unlink(missing_ok=True)
