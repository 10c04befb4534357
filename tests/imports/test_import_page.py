"""The staff upload page: a preview before anything is written, the command line's bad-row
report, the import on confirmation, and only the kinds of table the role may edit."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from exhume.casework.models import Grave, Remains
from exhume.imports import pending
from exhume.imports.models import ImportBatch

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("EXHUME_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def site(make_site: Any) -> Any:
    return make_site("example")


def client_as(role: str) -> Client:
    user = User.objects.create_user(f"import-{role}", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, kind: str, name: str, data: bytes) -> Any:
    handle = io.BytesIO(data)
    handle.name = name
    return client.post("/staff/sites/example/import/", {"kind": kind, "file": handle})


def test_a_table_is_previewed_then_written_on_confirmation(site: Any) -> None:
    client = client_as("field")
    data = (EXAMPLES / "graves.csv").read_bytes()
    preview = upload(client, "graves", "graves.csv", data)
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "5 rows would be imported: 5 new, 0 corrected, 0 unchanged" in page
    assert 'id="preview"' in page and "Write these rows" in page
    assert Grave.objects.count() == 0 and ImportBatch.objects.count() == 0  # nothing written
    import hashlib

    sha = hashlib.sha256(data).hexdigest()
    done = client.post("/staff/sites/example/import/", {"confirm": "1", "sha256": sha})
    assert "5 rows imported: 5 new, 0 corrected, 0 unchanged" in done.content.decode()
    assert Grave.objects.count() == 5
    assert ImportBatch.objects.get().sha256 == sha
    assert not (pending.pending_dir() / sha).exists()
    again = client.post("/staff/sites/example/import/", {"confirm": "1", "sha256": sha})
    assert "nothing to confirm" in again.content.decode() and Grave.objects.count() == 5


def test_bad_rows_are_listed_as_the_command_line_lists_them_and_nothing_can_be_confirmed(
    site: Any,
) -> None:
    from exhume.imports.actions import do_import
    from exhume.imports.tables import read_table

    client = client_as("morgue")
    text = (EXAMPLES / "remains.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("age_class")], cells[header.index("age_min")] = "child", "40"
    cells[header.index("age_max")] = "45"
    bad = "\n".join([lines[0], ",".join(cells), *lines[2:]])
    answer = upload(client, "remains", "remains.csv", bad.encode())
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "nothing written" in page and 'id="bad-rows"' in page and "Write these rows" not in page
    # the same problems as the command line's report
    path = pending.stage("cli.csv", bad.encode())
    from exhume.audit.events import Actor

    report = do_import(Actor("m", "morgue"), kind="remains", table=read_table(path), site=site)
    assert report.problems
    for problem in report.problems:
        assert f'<td class="num">{problem.row}</td><td>{problem.column}</td>' in page
    from django.utils.html import escape

    assert escape("\n".join(p.line() for p in report.problems)) in page  # the CLI's lines
    assert Remains.objects.count() == 0


def test_the_page_offers_only_the_kinds_the_role_may_edit(site: Any) -> None:
    field = client_as("field").get("/staff/sites/example/import/").content.decode()
    assert 'value="graves"' in field and 'value="remains"' in field
    assert 'value="journal"' not in field and 'value="relatives"' not in field
    liaison = client_as("liaison")
    page = liaison.get("/staff/sites/example/import/").content.decode()
    assert 'value="missing-persons"' in page and 'value="relatives"' in page
    assert 'value="graves"' not in page
    refused = upload(liaison, "graves", "graves.csv", (EXAMPLES / "graves.csv").read_bytes())
    assert refused.status_code == 200 and Grave.objects.count() == 0
    assert "Select a valid choice" in refused.content.decode()
    lab = client_as("lab").get("/staff/sites/example/import/")
    assert "your role may not import any kind of table" in lab.content.decode()


def test_a_table_over_the_pages_limit_is_refused(
    site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pending, "MAX_BYTES", 100)
    answer = upload(client_as("field"), "graves", "graves.csv", b"grave_number\n" + b"1\n" * 200)
    assert answer.status_code == 400
    assert "the limit of the upload page" in answer.content.decode()


def test_bad_rows_are_listed_in_ukrainian_for_a_ukrainian_reader(site: Any) -> None:
    from django.utils.html import escape

    client = client_as("field")
    handle = io.BytesIO(b"grave_number,kind,latitude\n1,pit,north\n")
    handle.name = "graves.csv"
    answer = client.post(
        "/staff/sites/example/import/",
        {"kind": "graves", "file": handle},
        headers={"Accept-Language": "uk"},
    )
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "<td>kind</td><td>pit</td><td>має бути одне з: individual, collective</td>" in page
    assert escape("рядок 2, стовпець latitude, значення 'north': має бути число") in page
    assert Grave.objects.count() == 0
