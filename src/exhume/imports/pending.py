"""An uploaded table waiting for its author to confirm the import after the preview.

The file is kept under ``EXHUME_DATA_DIR/imports/pending/<sha256>/<file name>`` between the
preview (a dry run: nothing is written to the records) and the confirmation, which imports
exactly the bytes previewed (their SHA-256 is checked) and removes the file. Nothing else reads
these files; a confirmation that never comes leaves one file, replaced by the author's next
upload.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

from django.utils.translation import gettext as _

from exhume import config
from exhume.errors import InvalidInputError, NotFoundError

#: the largest table the upload page accepts (a stated limit; the command line has none)
MAX_BYTES = 20 * 1024 * 1024
_SAFE = re.compile(r"[^\w.\-]+")


def pending_dir() -> Path:
    return config.data_dir() / "imports" / "pending"


def check_size(size: int) -> None:
    """Refuse a table larger than :data:`MAX_BYTES` before it is read."""
    if size > MAX_BYTES:
        raise InvalidInputError(
            _(
                "the file is larger than %(mb)s MB, the limit of the upload page; import it with "
                "the command line (exhume import)"
            )
            % {"mb": MAX_BYTES // 2**20},
            field="file",
        )


def stage(name: str, data: bytes) -> Path:
    """Keep the uploaded bytes under their SHA-256; returns the file's path."""
    check_size(len(data))
    digest = hashlib.sha256(data).hexdigest()
    folder = pending_dir() / digest
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (_SAFE.sub("_", Path(name).name) or "table.csv")
    path.write_bytes(data)
    return path


def staged(sha256: str, name: str) -> Path:
    """The staged file of an upload, or NotFoundError when it is gone."""
    path = pending_dir() / sha256 / _SAFE.sub("_", Path(name).name)
    if not re.fullmatch(r"[0-9a-f]{64}", sha256) or not path.is_file():
        raise NotFoundError(_("the previewed file is gone; upload it again"), field="file")
    return path


def discard(sha256: str) -> None:
    if re.fullmatch(r"[0-9a-f]{64}", sha256):
        shutil.rmtree(pending_dir() / sha256, ignore_errors=True)
