"""``exhume backup`` and ``exhume restore``: a backup restored into a new data folder verifies
clean (``exhume verify --db`` and ``exhume verify`` on every release), on SQLite and, when the
suite runs on PostgreSQL, on PostgreSQL with ``pg_dump``/``pg_restore``."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BUILD = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from exhume.audit.events import Actor
from exhume.casework.actions import do_correct_site
from exhume.publication.releases import do_publish_release
from tests.web.builders import build_sites
actor = Actor.system("tests")
built = build_sites(actor)
do_publish_release(actor, built.site)
do_correct_site(actor, built.site, reason="r", authority="a", place="Izium district")
do_publish_release(actor, built.site)
do_publish_release(actor, built.other)
from exhume.casework.actions import do_add_photo, do_record_grave
from tests.casework.test_photos import camera_jpeg
grave = do_record_grave(actor, site=built.site, grave_number="P-1")
do_add_photo(Actor("f", "field"), data=camera_jpeg(), subject="grave", grave=grave)
"""

pytestmark = pytest.mark.slow


@dataclass
class Installation:
    env: dict[str, str]
    data: Path

    def exhume(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "exhume.cli", *args], env=self.env,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        if check:
            assert done.returncode == 0, done.stdout + done.stderr
        return done


def _postgres_url() -> str | None:
    url = os.environ.get("EXHUME_TEST_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def databases(request: pytest.FixtureRequest) -> Iterator[tuple[str | None, str | None]]:
    """(source URL, target URL): None for SQLite in each data folder, or two new PostgreSQL
    databases on the test server (skipped when the suite runs on SQLite)."""
    if request.param == "sqlite":
        yield None, None
        return
    base = _postgres_url()
    if base is None:
        pytest.skip("PostgreSQL backup: set EXHUME_TEST_DATABASE_URL to a PostgreSQL server")
    import psycopg

    names = [f"exhume_backup_{which}_{uuid.uuid4().hex[:8]}" for which in ("src", "dst")]
    server = base.rsplit("/", 1)[0]
    with psycopg.connect(base, autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{names[0]}", f"{server}/{names[1]}"
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def installation(folder: Path, url: str | None) -> Installation:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXHUME_", "DJANGO_"))}
    env.update(
        EXHUME_DATA_DIR=str(folder),
        DJANGO_SETTINGS_MODULE="exhume.project.settings",
        PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]),
    )
    if url:
        env["EXHUME_DATABASE_URL"] = url
    return Installation(env, folder)


@pytest.fixture(scope="module")
def archive(
    databases: tuple[str | None, str | None], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Installation, Path]:
    """An installation with three releases (two of one site), and its backup."""
    source = installation(tmp_path_factory.mktemp("source"), databases[0])
    subprocess.run([sys.executable, "-c", BUILD], env=source.env, check=True, timeout=300)
    out = tmp_path_factory.mktemp("backups") / "exhume.tar.gz"
    done = source.exhume("backup", "--out", str(out))
    assert "keep it offline and encrypted" in done.stderr.lower()
    return source, out


@pytest.fixture(scope="module")
def restored(
    archive: tuple[Installation, Path],
    databases: tuple[str | None, str | None],
    tmp_path_factory: pytest.TempPathFactory,
) -> Installation:
    target = installation(tmp_path_factory.mktemp("restored"), databases[1])
    done = target.exhume("restore", str(archive[1]))
    assert "restored the" in done.stdout
    return target


def test_the_archive_is_private_and_lists_every_member(archive: tuple[Installation, Path]) -> None:
    source, out = archive
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with tarfile.open(out) as tar:
        manifest = json.load(tar.extractfile("MANIFEST.json"))  # type: ignore[arg-type]
        names = set(tar.getnames())
    keys = {f"keys/{p.name}" for p in (source.data / "keys").iterdir()}
    assert keys and keys <= set(manifest["members"])
    assert "releases/lisova/lisova-2/checkpoint.txt" in manifest["members"]
    photos = {n for n in manifest["members"] if n.startswith("photos/")}
    assert {n.rsplit("/", 1)[1] for n in photos} == {"original", "view.jpg", "thumb.jpg"}
    assert set(manifest["members"]) | {"MANIFEST.json"} == names
    assert "private log keys" in manifest["warning"]


def test_a_restored_backup_verifies_clean(restored: Installation) -> None:
    assert "ok" in restored.exhume("verify", "--db").stdout.lower()  # photo files included
    assert len(list((restored.data / "photos").glob("*/*/original"))) == 1
    vkey = restored.exhume("keys", "show").stdout.strip().splitlines()[-1]
    folders = sorted((restored.data / "releases").glob("*/*"))
    assert [f.name for f in folders] == ["kamianka-1", "lisova-1", "lisova-2"]
    for folder in folders:
        previous = folder.with_name(folder.name.rsplit("-", 1)[0] + "-1")
        extra = ["--previous", str(previous)] if folder.name.endswith("-2") else []
        done = restored.exhume("verify", str(folder), "--key", vkey, *extra)
        assert done.stdout.startswith(f"ok: release {folder.name} verifies"), done.stdout
    key_files = list((restored.data / "keys").iterdir())
    assert key_files and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in key_files)


def test_it_refuses_to_restore_into_a_folder_in_use(archive: tuple[Installation, Path]) -> None:
    source, out = archive
    done = source.exhume("restore", str(out), check=False)
    assert done.returncode != 0
    assert f"EXHUME_DATA_DIR={source.data} is not empty" in done.stderr


def test_it_refuses_to_overwrite_a_file(archive: tuple[Installation, Path]) -> None:
    source, out = archive
    done = source.exhume("backup", "--out", str(out), check=False)
    assert done.returncode != 0
    assert f"field '--out': {out} exists; choose a new file name" in done.stderr


def test_it_refuses_a_damaged_archive(archive: tuple[Installation, Path], tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive[1]) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.endswith("summary.json"):
                data = data.replace(b'"total"', b'"totaI"')
            dst.addfile(member, io.BytesIO(data))
    target = installation(tmp_path / "new", None)
    done = target.exhume("restore", str(damaged), check=False)
    assert done.returncode != 0
    assert "is missing or damaged" in done.stderr
    assert not (tmp_path / "new" / "exhume.sqlite3").exists()
