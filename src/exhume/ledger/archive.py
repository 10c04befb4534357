"""Site archives: a whole site in one file, checked offline against its own log and releases.

An archive is a gzip-compressed tar file holding::

    MANIFEST.json   {"format": "exhume-site-archive/1", "site", "created_at", "exhume",
                     "log": {"size", "root"}, "members": {name: sha256 hex}}
    log.jsonl       every leaf of the log, in order (seq 0, 1, ...), one RFC 8785 line each
    records.jsonl   the site's records at their latest version, one JSON object a line:
                    {"record_type", "record_id", "version", "snapshot", "salt"}; ``snapshot`` is
                    the record's content as committed (its logged field names), ``salt`` the
                    hex salt of its latest entry
    photos.json     [{"id", "sha256", "subject", "record_type", "record_id"}]: the photos of
                    the site's records and their originals' SHA-256 (not the image files)
    releases/<label>/   every signed release bundle of the site, as published

:func:`verify_site_archive` checks, without a database:

1. every member against the manifest's SHA-256, and that no member is unlisted;
2. the log: the root of its leaves is the manifest's, every entry obeys the format and history
   rules (:func:`exhume.ledger.audit_entries`);
3. every record: its version is that of its latest entry in the log, and its snapshot committed
   with its salt gives that entry's commitment (a record changed after it was logged fails);
4. every photo: its SHA-256 is the one its committed photo record holds;
5. every release: :func:`exhume.ledger.verify_release` (signatures, proofs, manifest, counts,
   and consistency with the release before it), and its checkpoint's root is the root of the
   first ``tree_size`` leaves of the archive's log: the archive's log is the log the releases
   signed, only grown since.

The signed checkpoints anchor the log up to the newest release; entries after it are checked
for consistency only (the manifest is not signed). Give ``trusted_keys`` to check the
releases' signatures against keys obtained independently.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exhume.errors import ExhumeError
from exhume.ledger.bundle import CHECKPOINT, CountingRule
from exhume.ledger.checkpoint import parse_checkpoint_body
from exhume.ledger.commitments import commit
from exhume.ledger.log import audit_entries
from exhume.ledger.merkle import MerkleTree, leaf_hash, root_from_leaf_hashes
from exhume.ledger.note import parse_note
from exhume.ledger.verify import verify_release

FORMAT = "exhume-site-archive/1"
MANIFEST, LOG, RECORDS, PHOTOS, RELEASES = (
    "MANIFEST.json",
    "log.jsonl",
    "records.jsonl",
    "photos.json",
    "releases",
)


@dataclass
class ArchiveReport:
    """What :func:`verify_site_archive` found."""

    path: str
    site: str = ""
    log_size: int = 0
    records: int = 0
    photos: int = 0
    releases: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "path": self.path,
            "site": self.site,
            "log_size": self.log_size,
            "records": self.records,
            "photos": self.photos,
            "releases": self.releases,
            "problems": self.problems,
            "warnings": self.warnings,
        }


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def log_root(leaves: Sequence[bytes]) -> str:
    """The RFC 9162 root (hex) of ``leaves``."""
    return root_from_leaf_hashes(leaf_hash(leaf) for leaf in leaves).hex()


def verify_site_archive(
    path: Path, trusted_keys: Sequence[str] | None = None, *, count: CountingRule
) -> ArchiveReport:
    """Check a site archive (see the module docstring); every problem is named, none raised."""
    report = ArchiveReport(str(path))
    try:
        with tempfile.TemporaryDirectory(prefix="exhume-archive-") as work:
            members = _unpack(path, Path(work), report)
            if members is None:
                return report
            leaves, entries = _check_log(members, report)
            _check_records(members, entries, report)
            _check_photos(members, report)
            _check_releases(Path(work), leaves, trusted_keys, count, report)
    except (OSError, tarfile.TarError, EOFError, ValueError, ExhumeError) as exc:
        message = exc.message if isinstance(exc, ExhumeError) else str(exc)
        report.problems.append(f"{path} cannot be read as a site archive: {message}")
    return report


def _unpack(path: Path, into: Path, report: ArchiveReport) -> dict[str, bytes] | None:
    """The members' bytes once every one matches the manifest (releases also unpacked)."""
    with tarfile.open(path, mode="r:gz") as archive:
        files = {m.name: m for m in archive.getmembers() if m.isfile()}
        if MANIFEST not in files:
            report.problems.append(f"{path}: no {MANIFEST}: not an exhume site archive")
            return None
        manifest = json.loads(_read(archive, files[MANIFEST]))
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            report.problems.append(f"{path}: {MANIFEST} is not of the format {FORMAT}")
            return None
        listed: dict[str, str] = manifest.get("members", {})
        members: dict[str, bytes] = {}
        for name in sorted(set(files) - {MANIFEST} - set(listed)):
            report.problems.append(f"member {name} is not listed in {MANIFEST}")
        for name, digest in sorted(listed.items()):
            data = _read(archive, files[name]) if name in files else None
            if data is None:
                report.problems.append(f"member {name} is listed in {MANIFEST} but missing")
            elif sha256_hex(data) != digest:
                report.problems.append(f"member {name} does not have the SHA-256 {MANIFEST} gives")
            else:
                members[name] = data
        bundles = [files[n] for n in members if n.startswith(RELEASES + "/")]
        archive.extractall(into, members=bundles, filter="data")
    report.site = str(manifest.get("site", ""))
    members[MANIFEST] = json.dumps(manifest).encode()
    return members


def _read(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    handle = archive.extractfile(member)
    return handle.read() if handle is not None else b""


def _check_log(
    members: dict[str, bytes], report: ArchiveReport
) -> tuple[list[bytes], dict[tuple[str, str], dict[str, Any]]]:
    """The leaves, and the latest entry of every record; the root against the manifest."""
    manifest = json.loads(members[MANIFEST])
    leaves = [line for line in members.get(LOG, b"").split(b"\n") if line]
    report.log_size = len(leaves)
    stated = manifest.get("log", {})
    if stated.get("size") != len(leaves):
        report.problems.append(
            f"{LOG} holds {len(leaves)} entries, {MANIFEST} says {stated.get('size')}"
        )
    if stated.get("root") != log_root(leaves):
        report.problems.append(
            f"the root of the {len(leaves)} entries of {LOG} is not the root {MANIFEST} gives: "
            "entries were changed, reordered or removed"
        )
    report.problems += audit_entries(leaves)
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for leaf in leaves:
        try:
            entry = json.loads(leaf)
        except ValueError:
            continue  # audit_entries named it
        if isinstance(entry, dict):
            latest[(str(entry.get("record_type")), str(entry.get("record_id")))] = entry
    return leaves, latest


def _check_records(
    members: dict[str, bytes],
    latest: dict[tuple[str, str], dict[str, Any]],
    report: ArchiveReport,
) -> None:
    for number, line in enumerate(members.get(RECORDS, b"").split(b"\n"), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        name = f"{row.get('record_type')} {row.get('record_id')}"
        entry = latest.get((str(row.get("record_type")), str(row.get("record_id"))))
        report.records += 1
        if entry is None:
            report.problems.append(f"{RECORDS} line {number}: {name} has no entry in the log")
        elif entry.get("version") != row.get("version"):
            report.problems.append(
                f"{RECORDS} line {number}: {name} is version {row.get('version')}, its latest "
                f"log entry (seq {entry.get('seq')}) version {entry.get('version')}"
            )
        elif commit(row.get("snapshot", {}), bytes.fromhex(str(row.get("salt", "")))) != entry.get(
            "commitment"
        ):
            report.problems.append(
                f"{RECORDS} line {number}: {name} does not open the commitment of its log entry "
                f"(seq {entry.get('seq')}): its content differs from what was logged"
            )


def _check_photos(members: dict[str, bytes], report: ArchiveReport) -> None:
    committed = {}
    for line in members.get(RECORDS, b"").split(b"\n"):
        if line.strip():
            row = json.loads(line)
            if row.get("record_type") == "casework.photo":
                committed[str(row.get("record_id"))] = row.get("snapshot", {}).get("sha256")
    photos = json.loads(members.get(PHOTOS, b"[]"))
    report.photos = len(photos)
    for photo in photos:
        pk = str(photo.get("id"))
        if pk not in committed:
            report.problems.append(f"{PHOTOS}: photo {pk} has no record in {RECORDS}")
        elif committed[pk] != photo.get("sha256"):
            report.problems.append(
                f"{PHOTOS}: photo {pk} has the SHA-256 {photo.get('sha256')}, its logged record "
                f"{committed[pk]}"
            )


def _check_releases(
    work: Path,
    leaves: list[bytes],
    trusted_keys: Sequence[str] | None,
    count: CountingRule,
    report: ArchiveReport,
) -> None:
    folder = work / RELEASES
    found = sorted(
        (p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else [], key=_size_of
    )
    if not found:
        return
    # Every perfect subtree's hash, once: the root of any release's prefix is then O(log n) hashes,
    # not a rehash of the whole prefix per release.
    tree = MerkleTree(leaf_hash(leaf) for leaf in leaves)
    previous: Path | None = None
    for release in found:
        checked = verify_release(release, previous, trusted_keys, count=count)
        report.releases.append(release.name)
        report.problems += [f"release {release.name}: {p}" for p in checked.problems]
        report.warnings += [f"release {release.name}: {w}" for w in checked.warnings]
        size = checked.tree_size or 0
        if checked.ok and (size > len(leaves) or _root_of(release) != tree.root(size).hex()):
            report.problems.append(
                f"release {release.name}: its checkpoint (tree size {size}) is not the root of "
                f"the first {size} entries of {LOG}: the log was rewritten after it was signed"
            )
        previous = release


def _checkpoint(release: Path) -> tuple[int, str]:
    head = parse_checkpoint_body(parse_note((release / CHECKPOINT).read_text("utf-8")).text)
    return head.size, head.root.hex()


def _size_of(release: Path) -> int:
    try:
        return _checkpoint(release)[0]
    except (OSError, ValueError, ExhumeError):
        return 0


def _root_of(release: Path) -> str:
    return _checkpoint(release)[1]
