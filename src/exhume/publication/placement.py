"""Release folders on disk, crash-safe: a bundle is written under a partial name inside the
publishing transaction and moved to ``releases/<site>/<label>`` only once it committed.

A crash (kill -9, power loss) before the commit leaves a partial folder and no Release row: it
blocks nothing, and the next publication removes it. A crash after the commit but before the
move leaves the row and the complete partial folder: :func:`finish_interrupted` moves it into
place. So the folders on disk always match the Release rows, or are one move away from it.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

PARTIAL = ".partial-"


def staging_dir(directory: Path) -> Path:
    """A fresh partial folder beside ``directory`` (``.<label>.partial-<random>``)."""
    return directory.parent / f".{directory.name}{PARTIAL}{uuid.uuid4().hex}"


def move_into_place(staging: Path, directory: Path) -> None:
    """Rename the committed ``staging`` folder to ``directory`` (atomic on one file system).

    Done already (by :func:`finish_interrupted` in another process) is fine; a different folder
    at ``directory`` is not.
    """
    try:
        os.replace(staging, directory)
    except FileNotFoundError:
        if not (directory / "checkpoint.txt").is_file():
            raise
    except OSError:  # directory exists and is not empty
        if (staging / "checkpoint.txt").read_bytes() != (directory / "checkpoint.txt").read_bytes():
            raise
        shutil.rmtree(staging)


def finish_interrupted(root: Path, checkpoint_of: Callable[[str], str | None]) -> list[str]:
    """Under ``root/<site>/``: move every partial folder whose release committed (its label has
    a Release row, ``checkpoint_of(label)``, with the same checkpoint) into place and remove the
    others. Call it holding the log head's lock, so that no publication is in flight. Returns
    what was done, one line per folder."""
    done = []
    for staging in sorted(root.glob(f"*/.*{PARTIAL}*")):
        label = staging.name[1:].split(PARTIAL)[0]
        target = staging.parent / label
        checkpoint = checkpoint_of(label)
        written = staging / "checkpoint.txt"
        if (
            checkpoint is not None
            and written.is_file()
            and written.read_text("utf-8") == checkpoint
        ):
            move_into_place(staging, target)
            done.append(f"moved the committed release {label} into place")
        else:
            shutil.rmtree(staging, ignore_errors=True)
            done.append(f"removed {staging.name}: its release was never committed")
    return done
