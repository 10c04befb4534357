"""Compile the ``.po`` catalogues to ``.mo`` with Babel (no system ``msgfmt`` needed)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogues() -> list[Path]:
    """Every ``django.po`` under the package's ``locale/``."""
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))


def compile_catalogs(*, force: bool = False) -> list[Path]:
    """Write ``django.mo`` beside each ``django.po`` that is newer (or when ``force``); the
    ``.mo`` files written. Written to a temporary name and moved into place, so a reader never
    sees half a file. Fuzzy entries are left out, as ``msgfmt`` does."""
    written = []
    for po in catalogues():
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        fd, tmp = tempfile.mkstemp(dir=mo.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        os.replace(tmp, mo)
        written.append(mo)
    return written
