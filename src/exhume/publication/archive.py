"""A whole site as one archive: its records, the log, its signed releases and its photos' hashes.

The format and its offline check are :mod:`exhume.ledger.archive` (``exhume verify FILE``).
The records are every logged record of the site (the site itself, every logged model with a
``site`` field: graves, journal lines, remains, photos, site texts, import batches, reports,
runs ..., and every other logged model tied to the site's remains: DNA samples, proposals ...)
that the account may see: a model's kind of data (:data:`exhume.access.endpoints.MODEL_DATA`)
in full, and no record restricted to other people. Each comes with the salt of its latest log
entry, so that the archive opens its commitments: **the archive holds personal data** (names of
the burial journal, effects); it is written with mode 0600, and each export is written in the
access log under the account's name with the archive's SHA-256.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _

from exhume import __version__
from exhume.access.actions import do_record_access
from exhume.access.endpoints import MODEL_DATA
from exhume.access.policy import Data, Level, level_of
from exhume.access.records import record_label, visible
from exhume.audit.events import record_type_of, snapshot
from exhume.audit.models import LogEntry
from exhume.casework.models import Remains, Site
from exhume.errors import InvalidInputError
from exhume.ledger.archive import FORMAT, LOG, MANIFEST, PHOTOS, RECORDS, RELEASES, log_root
from exhume.ledger.archive import sha256_hex as sha256
from exhume.publication.models import Release


@dataclass(frozen=True)
class ArchiveSummary:
    path: Path
    sha256: str
    records: int
    log_size: int
    releases: int
    photos: int


def site_models(user: Any) -> list[tuple[type[models.Model], str]]:
    """The logged models of a site's records that ``user`` sees in full, each with the lookup
    that ties its rows to a site: the site itself (``pk``), every model with a ``version``
    field and a ``site`` foreign key (``site``), and every other one with a ``remains`` foreign
    key (``remains__site``: DNA samples, proposals, recognitions ...)."""
    found: list[tuple[type[models.Model], str]] = [(Site, "pk")]
    for model in apps.get_models():
        fields = {f.name: f for f in model._meta.concrete_fields}
        if "version" not in fields or model in (Site, Release):
            continue
        if _points_to(fields.get("site"), Site):
            found.append((model, "site"))
        elif _points_to(fields.get("remains"), Remains):
            found.append((model, "remains__site"))
    return [(m, k) for m, k in found if level_of(user, MODEL_DATA[record_label(m)]) is Level.FULL]


def _points_to(field: Any, model: type[models.Model]) -> bool:
    return isinstance(field, models.ForeignKey) and field.related_model is model


def site_records(site: Site, user: Any) -> list[dict[str, Any]]:
    """The site's records the user may see, each with its latest log entry's version and salt."""
    rows: list[models.Model] = []
    for model, lookup in site_models(user):
        qs = model._default_manager.filter(**{lookup: site.pk if lookup == "pk" else site})
        rows += list(visible(qs.order_by("pk"), user))
    salts: dict[tuple[str, str], str] = {}  # the salt of each record's latest entry
    types = {record_type_of(r) for r in rows}
    entries = LogEntry.objects.filter(record_type__in=types).order_by("seq")
    for record_type, record_id, entry_salt in entries.values_list(
        "record_type", "record_id", "salt"
    ):
        salts[(record_type, record_id)] = entry_salt
    out = []
    for row in rows:
        salt = salts.get((record_type_of(row), str(row.pk)))
        if salt is None:
            continue  # not logged (exhume verify --db names it)
        out.append(
            {
                "record_type": record_type_of(row),
                "record_id": str(row.pk),
                "version": getattr(row, "version", 1),
                "snapshot": snapshot(row),
                "salt": salt,
            }
        )
    return out


def export_site_archive(site: Site, user: Any, out: Path) -> ArchiveSummary:
    """Write the site's archive to ``out`` (refusing to overwrite), through a temporary file."""
    if level_of(user, Data.AUDIT_LOG) is not Level.FULL:
        raise InvalidInputError(
            _(
                "a site archive holds the write log: the account's role must see it (board, "
                "investigator or administrator)"
            ),
            field="as",
        )
    if out.exists():
        raise InvalidInputError(
            _("%(out)s exists; choose a new file name") % {"out": out}, field="out"
        )
    leaves = [leaf.encode() for leaf in LogEntry.objects.order_by("seq").values_list(
        "leaf", flat=True)]  # fmt: skip
    records = site_records(site, user)
    photos = [
        {
            "id": int(r["record_id"]),
            "sha256": r["snapshot"]["sha256"],
            "subject": r["snapshot"]["subject"],
            "record_type": "casework.grave" if r["snapshot"]["grave_id"] else "casework.remains",
            "record_id": str(r["snapshot"]["grave_id"] or r["snapshot"]["remains_id"]),
        }
        for r in records
        if r["record_type"] == "casework.photo"
    ]
    files: dict[str, bytes] = {
        LOG: b"".join(leaf + b"\n" for leaf in leaves),
        RECORDS: "".join(
            json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records
        ).encode(),
        PHOTOS: json.dumps(photos, indent=1, sort_keys=True).encode(),
    }
    releases = Release.objects.filter(site=site).order_by("number")
    for release in releases:
        for path in sorted(release.path.iterdir()) if release.path.is_dir() else []:
            if path.is_file():
                files[f"{RELEASES}/{release.label}/{path.name}"] = path.read_bytes()
    manifest = {
        "format": FORMAT,
        "site": site.slug,
        "exhume": __version__,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "log": {"size": len(leaves), "root": log_root(leaves)},
        "members": {name: sha256(data) for name, data in sorted(files.items())},
    }
    files = {MANIFEST: json.dumps(manifest, indent=2).encode(), **files}
    digest = _write(out, files)
    do_record_access(
        user,
        data=Data.AUDIT_LOG,
        record=f"casework.site:{site.pk}",
        page=f"exhume export site --site {site.slug} (archive sha256 {digest})",
    )
    return ArchiveSummary(out, digest, len(records), len(leaves), releases.count(), len(photos))


def _write(out: Path, files: dict[str, bytes]) -> str:
    partial = out.with_name(f".{out.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o600, 0
            archive.addfile(info, io.BytesIO(data))
    partial.replace(out)
    return sha256(out.read_bytes())
