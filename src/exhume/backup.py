"""Backups of a whole installation, and their restoration into an empty data folder.

An archive (``.tar.gz``, mode 0600) holds:

* ``MANIFEST.json``: format, exhume version, time, database kind, log size and head, and the
  SHA-256 of every other member;
* the database: ``database.sqlite3`` made with SQLite's online backup API (readers and writers
  carry on), or ``database.pgdump`` made by ``pg_dump --format=custom`` (one consistent
  snapshot);
* ``keys/``: the private log keys. **Whoever holds the archive can sign releases: keep it
  offline and encrypted**;
* ``releases/``: every published bundle, as in the data folder;
* ``photos/``: every stored photo (originals and their copies), as in the data folder.

The database is copied first and the files after, so the archive may hold a release folder
newer than the copied database; :func:`restore` puts back only the release folders that the
restored database lists. Restoring needs an empty data folder (and, for PostgreSQL, an empty
database) and refuses an archive whose members do not match its manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exhume import __version__, config
from exhume.errors import ConfigurationError, InvalidInputError

FORMAT = "exhume-backup/1"
MANIFEST = "MANIFEST.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
KEYS_WARNING = (
    "this archive holds the private log keys: whoever has it can sign releases in this log's "
    "name. Keep it offline and encrypted."
)
#: Files a fresh start writes into the data folder before a restore can run.
IGNORED_IN_EMPTY_FOLDER = {config.SECRET_KEY_FILE, "static"}


@dataclass(frozen=True)
class BackupReport:
    path: Path
    database: str
    members: int
    keys: int
    releases: int
    log_size: int


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _pg_env(settings: dict[str, Any]) -> dict[str, str]:
    env = {**os.environ, "PGDATABASE": str(settings["NAME"])}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                          ("PASSWORD", "PGPASSWORD")):  # fmt: skip
        if settings.get(key):
            env[variable] = str(settings[key])
    return env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    if shutil.which(command[0]) is None:
        raise ConfigurationError(f"{command[0]} is not installed; it is needed to {what}")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise InvalidInputError(f"{command[0]} failed to {what}: {done.stderr.strip()}")


def _dump_database(folder: Path) -> tuple[str, Path]:
    """Copy the database into ``folder``; returns (kind, file)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        target = folder / SQLITE_MEMBER
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return "sqlite", target
    if connection.vendor == "postgresql":
        target = folder / PG_MEMBER
        env = _pg_env(connection.settings_dict)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", str(target)],
             env, "dump the database")  # fmt: skip
        return "postgresql", target
    raise ConfigurationError(f"cannot back up a {connection.vendor} database")


def _log_state() -> dict[str, Any]:
    from exhume.audit.models import LogHead
    from exhume.publication.cache import log_head

    head = LogHead.objects.first()
    return {"log_size": head.size if head else 0, "log_head": log_head()}


def backup(out: Path) -> BackupReport:
    """Write the archive to ``out`` (refusing to overwrite), through a temporary file."""
    if out.exists():
        raise InvalidInputError(f"{out} exists; choose a new file name", field="--out")
    data = config.data_dir()
    with tempfile.TemporaryDirectory(prefix="exhume-backup-") as work:
        state = _log_state()
        kind, dumped = _dump_database(Path(work))
        files = {dumped.name: dumped}
        for sub in ("keys", "releases", "photos"):
            for path in sorted((data / sub).rglob("*")) if (data / sub).is_dir() else []:
                if path.is_file() and ".staging" not in path.parts:
                    files[path.relative_to(data).as_posix()] = path
        manifest = {
            "format": FORMAT,
            "exhume": __version__,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": kind,
            **state,
            "warning": KEYS_WARNING,
            "members": {name: _sha256(path) for name, path in files.items()},
        }
        partial = out.with_name(f".{out.name}.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            body = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(body), 0o600
            archive.addfile(info, io.BytesIO(body))
            for name, path in files.items():
                archive.add(path, arcname=name, recursive=False)
        partial.replace(out)
    return BackupReport(
        path=out,
        database=kind,
        members=len(files),
        keys=sum(1 for name in files if name.startswith("keys/")),
        releases=len({name.split("/")[2] for name in files if name.startswith("releases/")}),
        log_size=int(state["log_size"]),
    )


def read_manifest(archive: tarfile.TarFile, source: Path) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
        manifest: dict[str, Any] = json.loads(member.read()) if member else {}
    except (KeyError, ValueError):
        manifest = {}
    if manifest.get("format") != FORMAT:
        raise InvalidInputError(f"{source} is not an exhume backup ({MANIFEST} missing or not "
                                f"{FORMAT})")  # fmt: skip
    return manifest


def check_empty_data_dir(data: Path) -> None:
    """Refuse to restore over anything but a fresh folder (a secret key and static files
    written by the start-up are allowed)."""
    found = sorted(p.name for p in data.iterdir() if p.name not in IGNORED_IN_EMPTY_FOLDER)
    if found:
        raise InvalidInputError(
            f"EXHUME_DATA_DIR={data} is not empty ({', '.join(found[:5])}); restore into a new "
            "folder"
        )


def extract_verified(source: Path, into: Path) -> dict[str, Any]:
    """Unpack ``source`` into ``into`` after checking every member against the manifest."""
    try:
        with tarfile.open(source, mode="r:gz") as archive:
            manifest = read_manifest(archive, source)
            archive.extractall(into, filter="data")
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise InvalidInputError(f"{source} is not a readable backup archive: {exc}") from None
    members: dict[str, str] = manifest["members"]
    for name, digest in members.items():
        path = into / name
        if not path.is_file() or _sha256(path) != digest:
            raise InvalidInputError(f"{source}: member {name} is missing or damaged")
    return manifest


def restore_database(manifest: dict[str, Any], unpacked: Path) -> None:
    """Put the dumped database where the configuration says the database is."""
    target = config.database()
    kind = manifest["database"]
    if kind == "sqlite" and target.engine.endswith("sqlite3"):
        destination = Path(target.name)
        if destination.exists() and destination.stat().st_size:
            raise InvalidInputError(f"the database file {destination} exists; restore refused")
        shutil.copyfile(unpacked / SQLITE_MEMBER, destination)
        os.chmod(destination, 0o600)
        return
    if kind == "postgresql" and target.engine.endswith("postgresql"):
        settings = {"NAME": target.name, "HOST": target.host, "PORT": target.port,
                    "USER": target.user, "PASSWORD": target.password}  # fmt: skip
        env = _pg_env(settings)
        _run(["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
              "--dbname", target.name, str(unpacked / PG_MEMBER)], env,
             "restore the database")  # fmt: skip
        return
    raise ConfigurationError(
        f"the backup holds a {kind} database but EXHUME_DATABASE_URL points at "
        f"{target.engine.rsplit('.', 1)[-1]}; restore onto the same kind of database"
    )


def check_empty_database() -> None:
    from django.db import connection

    tables = connection.introspection.table_names()
    if tables:
        raise InvalidInputError(
            f"the database {connection.settings_dict['NAME']} already has {len(tables)} tables; "
            "restore into an empty database"
        )


def restore_files(unpacked: Path) -> tuple[int, list[str]]:
    """Copy the keys (0700/0600), the photos and the release folders the restored database lists.
    Returns (keys restored, release folders left out because the database does not know them)."""
    from exhume.publication.models import Release

    data = config.data_dir()
    keys = 0
    if (unpacked / "keys").is_dir():
        (data / "keys").mkdir(mode=0o700, exist_ok=True)
        for path in sorted((unpacked / "keys").iterdir()):
            shutil.copyfile(path, data / "keys" / path.name)
            os.chmod(data / "keys" / path.name, 0o600)
            keys += 1
    listed = {Path(r.directory).as_posix() for r in Release.objects.all()}
    left_out: list[str] = []
    releases = unpacked / "releases"
    for folder in sorted(releases.glob("*/*")) if releases.is_dir() else []:
        name = folder.relative_to(unpacked).as_posix()
        if name not in listed:
            left_out.append(name)
            continue
        shutil.copytree(folder, data / name)
    if (unpacked / "photos").is_dir():
        shutil.copytree(unpacked / "photos", data / "photos", dirs_exist_ok=True)
    return keys, left_out
