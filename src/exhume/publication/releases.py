"""Signed releases of a site's counts, and everything that checks them against the database.

A release (format in :mod:`exhume.ledger.bundle`) lists every remains record of the site by its
latest log entry (commitment and counting category, never a name), the counts the real
counting rule (:func:`count_rule`) gives from those categories, inclusion proofs, a consistency
proof from the site's previous release, and a checkpoint signed by the log key. Publishing
appends the ``publish`` entry to the database log in the same transaction that records the
:class:`~exhume.publication.models.Release` row and writes the files under
``EXHUME_DATA_DIR/releases/<site>/<label>/``; a release is never rewritten.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exhume import config
from exhume.audit.events import Actor, commitment, lock_head, snapshot, store_entry
from exhume.audit.integrity import DatabaseReport, check_database
from exhume.audit.keys import current_signer, key_of, log_origin, signer_for
from exhume.audit.models import LogEntry, LogHead, SigningKey
from exhume.casework.models import Remains, Site
from exhume.casework.queries import logged_category
from exhume.counting import count_rule
from exhume.errors import ExhumeError, NotFoundError, VerificationError
from exhume.ledger import (
    Log,
    ReleaseBundle,
    Signer,
    build_release,
    read_release,
    write_release,
)
from exhume.ledger.bundle import CHECKPOINT, CONSISTENCY, KEYS, PROOFS, RECORDS, SUMMARY
from exhume.ledger.checkpoint import parse_checkpoint_body
from exhume.ledger.note import add_signatures, parse_note
from exhume.publication.models import Release
from exhume.publication.placement import finish_interrupted, move_into_place, staging_dir

#: The record type a release counts.
COUNTED_TYPE = "casework.remains"
#: The files of a release, in the order the public page lists them.
RELEASE_FILES = (CHECKPOINT, SUMMARY, RECORDS, PROOFS, CONSISTENCY, KEYS)


def releases_dir() -> Path:
    """``EXHUME_DATA_DIR/releases``: every bundle ever published, by site and label."""
    return config.data_dir() / "releases"


def release_label(site: Site, number: int) -> str:
    """``<site slug>-<number>``: unique in the whole log (it is the publish entry's id)."""
    return f"{site.slug}-{number}"


def latest_release(site: Site) -> Release | None:
    """The site's newest release, or None."""
    return Release.objects.filter(site=site).order_by("-number").first()


def site_releases(site: Site) -> list[Release]:
    """The site's releases, newest first."""
    return list(Release.objects.filter(site=site).order_by("-number"))


def get_release(site: Site, label: str) -> Release:
    """The release of ``site`` labelled ``label``, or NotFoundError naming the known ones."""
    release = Release.objects.filter(site=site, label=label).first()
    if release is None:
        known = ", ".join(r.label for r in site_releases(site)) or "none yet"
        raise NotFoundError(
            _("site %(slug)s has no release %(label)r (known: %(known)s)")
            % {"slug": site.slug, "label": label, "known": known}
        )
    return release


def release_scope(label: str) -> set[tuple[str, str]] | None:
    """``(record type, id)`` of every record a release of this label should count: the remains
    of its site (the site found through the Release row, so a corrected slug does not matter).
    None when no release of that label was published from this database."""
    release = Release.objects.filter(label=label).first()
    if release is None:
        return None
    return {(COUNTED_TYPE, str(pk)) for pk in _remains_ids(release.site)}


def database_log() -> Log:
    """The database log as an in-memory :class:`exhume.ledger.Log` (every rule re-checked)."""
    leaves = LogEntry.objects.order_by("seq").values_list("leaf", flat=True)
    try:
        return Log.from_leaves(leaf.encode() for leaf in leaves.iterator(chunk_size=5000))
    except ExhumeError as exc:
        raise VerificationError(
            _(
                "the database log breaks a rule, so nothing can be "
                "published: %(message)s; run `exhume verify --db`"
            )
            % {"message": exc.message}
        ) from None


def do_publish_release(actor: Actor, site: Site) -> Release:
    """Publish a signed release of ``site``: one transaction appends the publish entry, records
    the Release row and writes the bundle under :func:`releases_dir`.

    Refuses (VerificationError naming the records) when a remains row of the site no longer opens
    its latest log commitment: counts are only published from records the log vouches for.
    """
    current_signer(actor)  # the first log key is made (and committed) on its own
    staging: Path | None = None
    try:
        with transaction.atomic(durable=True):
            head = lock_head()
            finish_interrupted_releases()
            key, signer = current_signer(actor)
            head.refresh_from_db()
            release, bundle = _publish(actor, site, head, key, signer)
            staging = staging_dir(release.path)
            write_release(staging, bundle)
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)  # the transaction rolled back
        raise
    move_into_place(staging, release.path)  # only now that the transaction committed
    return release


def finish_interrupted_releases() -> list[str]:
    """Finish or remove the release folders a crash left half-moved (:mod:`.placement`)."""
    checkpoints = dict(Release.objects.values_list("label", "checkpoint"))
    return finish_interrupted(releases_dir(), checkpoints.get)


def _publish(
    actor: Actor, site: Site, head: LogHead, key: SigningKey, signer: Signer
) -> tuple[Release, ReleaseBundle]:
    """Build the bundle, append the publish entry and record the Release row (in the caller's
    transaction, under the log head's lock)."""
    _check_remains_match_log(site)
    log = database_log()
    previous = latest_release(site)
    before = _read_previous(previous) if previous else None
    number = previous.number + 1 if previous else 1
    label = release_label(site, number)
    bundle = build_release(
        log,
        origin=log_origin(),
        release=label,
        site=site.slug,
        records=[(COUNTED_TYPE, str(pk)) for pk in _remains_ids(site)],
        count=count_rule,
        signer=signer,
        actor_role=str(actor.role),
        time=timezone.now(),
        previous=before,
    )
    bundle = _hand_over(bundle, previous, key)
    store_entry(log.entry(log.size - 1), actor=actor, salt="", head=head)
    directory = releases_dir() / site.slug / label
    checkpoint = parse_checkpoint_body(parse_note(bundle.checkpoint).text)
    release = Release.objects.create(
        site=site,
        number=number,
        label=label,
        tree_size=checkpoint.size,
        root=checkpoint.root.hex(),
        checkpoint=bundle.checkpoint,
        log_key=key.vkey,
        directory=str(directory.relative_to(config.data_dir())),
        created_at=timezone.now(),
    )
    return release, bundle


def _read_previous(previous: Release) -> ReleaseBundle:
    """The previous bundle from disk; its checkpoint must be the one the database recorded."""
    bundle = read_release(previous.path)
    if bundle.checkpoint != previous.checkpoint:
        raise VerificationError(
            _(
                "release %(label)s: %(path)s/checkpoint.txt is not the "
                "checkpoint recorded when it was published; restore the "
                "release files from a copy"
            )
            % {"label": previous.label, "path": previous.path}
        )
    return bundle


def _remains_ids(site: Site) -> list[int]:
    return list(Remains.objects.filter(site=site).order_by("pk").values_list("pk", flat=True))


def _hand_over(bundle: ReleaseBundle, previous: Release | None, key: SigningKey) -> ReleaseBundle:
    """After a key rotation, the previous release's key cosigns (a second note signature), and
    keys.json lists both keys, so that trust passes from the old key to the new one."""
    if previous is None or previous.log_key == key.vkey:
        return bundle
    old = key_of(previous.log_key)
    note = add_signatures(bundle.checkpoint, [signer_for(old)])
    keys = {"log": [key.vkey, old.vkey], "witnesses": list(bundle.keys.get("witnesses", []))}
    return dataclasses.replace(bundle, checkpoint=note, keys=keys)


def _check_remains_match_log(site: Site) -> None:
    latest = {
        row.record_id: row
        for row in LogEntry.objects.filter(record_type=COUNTED_TYPE).order_by("seq")
    }
    bad = []
    for remains in Remains.objects.filter(site=site).order_by("pk"):
        entry = latest.get(str(remains.pk))
        if entry is None or commitment(snapshot(remains), entry.salt) != entry.commitment:
            bad.append(f"{COUNTED_TYPE} {remains.pk} (case {remains.case_number})")
    if bad:
        raise VerificationError(
            _(
                "refusing to publish %(slug)s: %(len)s remains record(s) do "
                "not match the log (changed outside the application): "
                "%(join)s; run `exhume verify --db`"
            )
            % {"slug": site.slug, "len": len(bad), "join": ", ".join(bad[:20])}
        )


def export_release(release: Release, out: Path) -> Path:
    """Copy a published release's files into ``out`` (created; existing files refused)."""
    write_release(out, read_release(release.path))
    return out


def release_file(release: Release, name: str) -> bytes:
    """One file of a published release; NotFoundError for anything but the bundle's files."""
    if name not in RELEASE_FILES:
        raise NotFoundError(
            _("a release has no file %(name)r; it has %(join)s")
            % {"name": name, "join": ", ".join(RELEASE_FILES)}
        )
    path = release.path / name
    if not path.is_file():
        raise NotFoundError(
            _("release %(label)s: %(name)s is missing from %(path)s")
            % {"label": release.label, "name": name, "path": release.path}
        )
    return path.read_bytes()


def release_summary(release: Release) -> dict[str, Any]:
    """A release as plain data, for the public page and its JSON twin."""
    return {
        "label": release.label,
        "number": release.number,
        "tree_size": release.tree_size,
        "root": release.root,
        "log_key": release.log_key,
        "created_at": release.created_at.isoformat(),
        "files": list(RELEASE_FILES),
    }


def check_live_database() -> DatabaseReport:
    """:func:`exhume.audit.integrity.check_database` with every release, naming changed counting
    fields of remains."""
    releases = Release.objects.order_by("tree_size", "id")
    return check_database(releases, {COUNTED_TYPE: logged_category})
