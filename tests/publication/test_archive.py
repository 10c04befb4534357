"""``exhume export site`` writes one archive of a site (records, log, releases, photos'
hashes) that ``exhume verify FILE`` checks offline; a changed record, a rewritten log or a
changed member is named."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import Group, User

from exhume.audit.events import Actor
from exhume.cli import main
from exhume.ledger.archive import MANIFEST, RECORDS, sha256_hex

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("EXHUME_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def archived(tmp_path: Path, make_site: Any, make_remains: Any) -> Path:
    """A site with remains, a grave photo, two releases, exported as the investigator."""
    from exhume.casework.actions import do_add_photo, do_record_grave
    from exhume.publication.releases import do_publish_release
    from tests.casework.test_photos import camera_jpeg

    site = make_site("lisova")
    grave = do_record_grave(Actor("f", "field"), site=site, grave_number="7")
    make_remains(site, grave=grave)
    do_publish_release(Actor.system("test"), site)
    make_remains(site, sex="male")
    do_add_photo(Actor("f", "field"), data=camera_jpeg(), subject="grave", grave=grave)
    do_publish_release(Actor.system("test"), site)
    make_remains(site)  # after the last release
    User.objects.create_user("inv").groups.add(Group.objects.get(name="investigator"))
    out = tmp_path / "lisova.tar.gz"
    made = CliRunner().invoke(
        main, ["export", "site", "--site", "lisova", "--out", str(out), "--as", "inv"]
    )
    assert made.exit_code == 0, made.output
    assert "3 remains" not in made.output and "1 photos' hashes" in made.output
    return out


def verify(path: Path) -> Any:
    return CliRunner().invoke(main, ["verify", str(path), "--json"])


def rewrite(path: Path, change: Any, *, fix_manifest: bool) -> Path:
    """A copy of the archive with ``change(name, data) -> data`` applied to its members."""
    with tarfile.open(path, "r:gz") as archive:
        files = {m.name: archive.extractfile(m).read() for m in archive.getmembers()}  # type: ignore[union-attr]
    files = {n: change(n, d) for n, d in files.items()}
    if fix_manifest:
        manifest = json.loads(files[MANIFEST])
        manifest["members"] = {n: sha256_hex(d) for n, d in files.items() if n != MANIFEST}
        files[MANIFEST] = json.dumps(manifest).encode()
    out = path.with_name("changed.tar.gz")
    with tarfile.open(out, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out


def test_an_exported_site_verifies_offline(archived: Path) -> None:
    answer = verify(archived)
    assert answer.exit_code == 0, answer.output
    result = json.loads(answer.output)["archive"]
    assert result["ok"] and result["site"] == "lisova"
    assert result["releases"] == ["lisova-1", "lisova-2"]
    assert result["photos"] == 1
    types = [json.loads(line)["record_type"] for line in _member(archived, RECORDS).splitlines()]
    assert sorted(set(types)) == ["casework.grave", "casework.photo", "casework.remains",
                                  "casework.site"]  # fmt: skip
    assert types.count("casework.remains") == 3
    assert archived.stat().st_mode & 0o777 == 0o600


def test_a_record_changed_after_it_was_logged_is_named(archived: Path) -> None:
    def change(name: str, data: bytes) -> bytes:
        if name != RECORDS:
            return data
        rows = [json.loads(line) for line in data.splitlines()]
        for row in rows:
            if row["record_type"] == "casework.remains":
                row["snapshot"]["sex"] = "male" if row["snapshot"]["sex"] == "female" else "female"
                break
        return "".join(json.dumps(r) + "\n" for r in rows).encode()

    answer = verify(rewrite(archived, change, fix_manifest=True))
    assert answer.exit_code == 2
    [problem] = json.loads(answer.output)["archive"]["problems"]
    assert "does not open the commitment of its log entry" in problem


def test_a_member_changed_without_the_manifest_is_named(archived: Path) -> None:
    def change(name: str, data: bytes) -> bytes:
        return data.replace(b'"grave"', b'"document"') if name == "photos.json" else data

    answer = verify(rewrite(archived, change, fix_manifest=False))
    problems = json.loads(answer.output)["archive"]["problems"]
    assert "member photos.json does not have the SHA-256 MANIFEST.json gives" in problems


def test_a_rewritten_log_no_longer_matches_the_signed_releases(archived: Path) -> None:
    from exhume.ledger.archive import log_root
    from exhume.ledger.canonical import canonical_json

    def change(name: str, data: bytes) -> bytes:
        if name != "log.jsonl":
            return data
        leaves = data.splitlines()
        entry = json.loads(leaves[1])  # the grave's entry, before the first release
        entry["actor_role"] = "morgue" if entry["actor_role"] != "morgue" else "field"
        leaves[1] = canonical_json(entry)
        return b"".join(leaf + b"\n" for leaf in leaves)

    def restate(name: str, data: bytes) -> bytes:  # the forger recomputes the manifest's root
        data = change(name, data)
        if name == MANIFEST:
            manifest = json.loads(data)
            leaves = _member(archived, "log.jsonl").encode().splitlines()
            leaves[1] = change("log.jsonl", b"\n".join(leaves) + b"\n").splitlines()[1]
            manifest["log"]["root"] = log_root(leaves)
            return json.dumps(manifest).encode()
        return data

    problems = json.loads(verify(rewrite(archived, restate, fix_manifest=True)).output)
    found = problems["archive"]["problems"]
    assert any(
        p.startswith("release lisova-1: its checkpoint (tree size") and "rewritten" in p
        for p in found
    ), found


def test_a_role_that_does_not_see_the_log_may_not_export(tmp_path: Path, make_site: Any) -> None:
    make_site("lisova")
    User.objects.create_user("fieldwork").groups.add(Group.objects.get(name="field"))
    out = tmp_path / "x.tar.gz"
    made = CliRunner().invoke(
        main, ["export", "site", "--site", "lisova", "--out", str(out), "--as", "fieldwork"]
    )
    assert made.exit_code == 77
    assert "may not see this data (audit_log)" in made.output
    assert not out.exists()


def _member(path: Path, name: str) -> str:
    with tarfile.open(path, "r:gz") as archive:
        return archive.extractfile(name).read().decode()  # type: ignore[union-attr]


def test_verify_names_a_path_that_does_not_exist(tmp_path: Path) -> None:
    answer = CliRunner().invoke(main, ["verify", str(tmp_path / "missing.tar.gz")])
    assert answer.exit_code == 65
    assert "missing.tar.gz: no such release folder or site archive" in answer.output
