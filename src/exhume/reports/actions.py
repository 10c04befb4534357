"""Writes of the reports app: a produced report is recorded, with its SHA-256, in the log."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.db import transaction

from exhume.audit.events import Actor
from exhume.audit.writes import create
from exhume.casework.models import Site
from exhume.reports.models import Report


def do_record_report(
    actor: Actor, *, site: Site, kind: str, pdf: bytes, out: Path, record: str | None = None
) -> Report:
    """Record the report ``pdf`` (its name, size and SHA-256, in one log entry) and write it
    to ``out``: first under a temporary name, moved into place once the record is committed.
    ``record`` names the record reported on (``identification.proposal:17``), if one."""
    out = Path(out)
    tmp = out.with_name(f".{out.name}.partial")
    tmp.write_bytes(pdf)
    try:
        with transaction.atomic(durable=True):
            report = create(
                Report,
                actor,
                {
                    "site": site,
                    "kind": kind,
                    "filename": out.name,
                    "sha256": hashlib.sha256(pdf).hexdigest(),
                    "size_bytes": len(pdf),
                    "record": record,
                },
            )
            transaction.on_commit(lambda: os.replace(tmp, out))
    finally:
        if tmp.exists() and not out.exists():
            tmp.unlink()
    return report
