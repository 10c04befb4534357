"""`exhume release`, `verify`, `disclose`, `verify-disclosure` and `keys` from the command line."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from django.db import connection

from exhume.cli import main

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("EXHUME_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def site(make_site: Callable[..., Any], make_remains: Callable[..., Any]) -> Any:
    from django.contrib.auth.models import Group, User

    reader = User.objects.create_user("reader")
    reader.groups.add(Group.objects.get(name="investigator"))
    site = make_site("kamianka")
    make_remains(site)
    make_remains(site, sex="male", torture_indicators=["bound_hands"])
    return site


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def vkey() -> str:
    result = run("keys", "show")
    assert result.exit_code == 0, result.output
    return result.output.strip()


def release(out: Path) -> Result:
    result = run("release", "--site", "kamianka", "--out", str(out))
    assert result.exit_code == 0, result.output
    return result


def test_a_release_verifies_offline_with_the_published_key(site: Any, tmp_path: Path) -> None:
    out = tmp_path / "r1"
    output = release(out).output
    assert output.startswith("released kamianka-1: tree size 5, root ")
    assert "warning: 2 of 2 persons share their published attributes with fewer than 5" in output
    result = run("verify", str(out), "--key", vkey())
    assert result.exit_code == 0
    assert result.output == (
        "ok: release kamianka-1 verifies: 2 records, 3 proven entries, tree size 5 "
        "(keys from the trusted keys given)\n"
    )


def test_verify_prints_one_line_per_problem_and_exits_2(site: Any, tmp_path: Path) -> None:
    out = tmp_path / "r1"
    release(out)
    summary = json.loads((out / "summary.json").read_text())
    summary["counts"]["with_torture_signs"] = 0
    (out / "summary.json").write_text(json.dumps(summary))
    result = run("verify", str(out), "--key", vkey())
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0].startswith("problem: summary.json and records.json are not the ones the ")
    assert lines[1] == (
        "problem: summary.json counts.with_torture_signs is 0, the committed records give 1"
    )
    assert len(lines) == 2


def test_verify_json_reports_the_problems(site: Any, tmp_path: Path) -> None:
    out = tmp_path / "r1"
    release(out)
    (out / "checkpoint.txt").write_text(
        (out / "checkpoint.txt").read_text().replace("5\n", "4\n", 1)
    )
    result = run("verify", str(out), "--key", vkey(), "--json")
    data = json.loads(result.output)
    assert result.exit_code == 2
    assert data["ok"] is False and data["release"]["ok"] is False
    assert data["release"]["problems"][0].startswith("checkpoint.txt: ")


def test_verify_against_the_previous_release(site: Any, make_remains: Any, tmp_path: Path) -> None:
    release(tmp_path / "r1")
    make_remains(site)
    release(tmp_path / "r2")
    result = run("verify", str(tmp_path / "r2"), "--previous", str(tmp_path / "r1"))
    assert result.exit_code == 0, result.output
    assert "ok: release kamianka-2 verifies: 3 records" in result.output


def test_verify_db_names_a_row_edited_in_sql(site: Any, tmp_path: Path) -> None:
    release(tmp_path / "r1")
    assert run("verify", "--db").output.startswith("ok: the database matches its log: 5 entries")
    remains = site.remains.get(case_number="C-0001")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE casework_remains SET age_class = 'child' WHERE id = %s", [remains.pk]
        )
    result = run("verify", "--db")
    assert result.exit_code == 2
    assert result.output == (
        f"problem: casework.remains {remains.pk} was changed outside the application: the row no "
        "longer opens the commitment of its latest log entry seq 1 (v1); counting fields "
        "changed: group: logged 'women', table 'children'\n"
    )


def test_verify_dir_with_db_on_several_sites_checks_only_the_releases_site(
    site: Any, make_site: Any, make_remains: Any, tmp_path: Path
) -> None:
    other = make_site("lyman")
    make_remains(other)
    make_remains(other, sex="male")
    release(tmp_path / "r1")
    result = run("verify", str(tmp_path / "r1"), "--db")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("ok: the database matches its log")


def test_verify_dir_with_db_also_finds_records_the_release_left_out(
    site: Any, make_site: Any, make_remains: Any, tmp_path: Path
) -> None:
    other = make_site("lyman")
    make_remains(other)
    release(tmp_path / "r1")
    records = tmp_path / "r1" / "records.json"
    rows = json.loads(records.read_text())
    left_out = rows.pop()
    n = left_out["record_id"]
    records.write_text(json.dumps(rows))
    result = run("verify", str(tmp_path / "r1"), "--db")
    assert result.exit_code == 2
    missing = [line for line in result.output.splitlines() if "is not in records.json" in line]
    assert missing == [
        f"problem: record casework.remains {n} counts (its latest entry {left_out['leaf_index']} "
        f"(casework.remains {n} v1) has a category) but is not in records.json"
    ]


def test_disclose_then_verify_disclosure(site: Any, tmp_path: Path) -> None:
    release(tmp_path / "r1")
    remains = site.remains.get(case_number="C-0002")
    path = tmp_path / "d.json"
    result = run("disclose", "--as", "reader", "--record", str(remains.pk), "--out", str(path))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    checked = run(
        "verify-disclosure", str(path), "--release", str(tmp_path / "r1"), "--key", vkey()
    )
    assert checked.exit_code == 0
    assert checked.output == (
        f"ok: disclosure of casework.remains {remains.pk} v1 (entry 2) verifies against release "
        "kamianka-1 (tree size 5)\n"
    )
    both = run("verify", str(tmp_path / "r1"), "--disclosure", str(path), "--key", vkey())
    assert both.exit_code == 0 and both.output.count("ok: ") == 2


def test_disclose_refuses_to_run_as_no_one_or_as_a_role_that_may_not_see_the_record(
    site: Any, tmp_path: Path
) -> None:
    from django.contrib.auth.models import Group, User

    release(tmp_path / "r1")
    remains = site.remains.get(case_number="C-0002")
    path = tmp_path / "d.json"
    nobody = CliRunner().invoke(main, ["disclose", "--record", str(remains.pk), "--out", str(path)])
    assert nobody.exit_code == 77
    assert "--as USER or EXHUME_USER" in nobody.output
    User.objects.create_user("liaison").groups.add(Group.objects.get(name="liaison"))
    refused = CliRunner().invoke(
        main, ["disclose", "--as", "liaison", "--record", str(remains.pk), "--out", str(path)]
    )
    assert refused.exit_code == 77
    assert "your role (Family liaison) may not see this data (remains)" in refused.output
    assert not path.exists()


def test_a_tampered_disclosure_fails_naming_the_entry(site: Any, tmp_path: Path) -> None:
    release(tmp_path / "r1")
    remains = site.remains.get(case_number="C-0002")
    path = tmp_path / "d.json"
    run("disclose", "--as", "reader", "--record", str(remains.pk), "--out", str(path))
    data = json.loads(path.read_text())
    data["record"]["sex"] = "female"
    path.write_text(json.dumps(data))
    result = run("verify-disclosure", str(path), "--release", str(tmp_path / "r1"), "--key", vkey())
    assert result.exit_code == 2
    assert result.output == (
        f"problem: disclosure {path}: entry 2 (casework.remains {remains.pk} v1): the record and "
        "salt do not open its commitment\n"
    )


def test_keys_rotate_keeps_the_old_key_and_old_releases_verify(
    site: Any, tmp_path: Path, data_dir: Path
) -> None:
    release(tmp_path / "r1")
    old = vkey()
    rotated = run("keys", "rotate")
    new = vkey()
    assert rotated.output == f"old: {old}\nnew: {new}\n"
    assert len(list((data_dir / "keys").glob("log-*.key"))) == 2
    release(tmp_path / "r2")
    assert run("verify", str(tmp_path / "r1"), "--key", old).exit_code == 0
    assert run("verify", str(tmp_path / "r2"), "--key", new).exit_code == 0
    assert run("verify", str(tmp_path / "r2"), "--previous", str(tmp_path / "r1")).exit_code == 0
    assert run("verify", str(tmp_path / "r2"), "--key", old).exit_code == 0  # handed over


def test_a_key_file_lists_trusted_keys(site: Any, tmp_path: Path) -> None:
    release(tmp_path / "r1")
    keyfile = tmp_path / "trusted.txt"
    keyfile.write_text(vkey() + "\n")
    assert run("verify", str(tmp_path / "r1"), "--key", str(keyfile)).exit_code == 0


def test_verify_needs_a_directory_or_db() -> None:
    result = CliRunner().invoke(main, ["verify"])
    assert result.exit_code == 65
    assert "give a release DIR to verify, or --db" in result.output


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_demo_publishes_a_release_of_each_site_that_verifies(data_dir: Path) -> None:
    built = run("demo")
    assert built.exit_code == 0, built.output
    izium = data_dir / "releases" / "izium" / "izium-1"
    result = run("verify", str(izium), "--key", vkey())
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: release izium-1 verifies: 453 records")
    assert json.loads((izium / "summary.json").read_text())["counts"]["total"] == 447
    assert sorted(p.name for p in (data_dir / "releases").iterdir()) == [
        "bucha-church", "izium", "lyman",
    ]  # fmt: skip
    assert run("verify", "--db").exit_code == 0


def test_a_corrections_private_reason_is_disclosed_with_note_and_opens_its_published_note(
    site: Any, tmp_path: Path
) -> None:
    from exhume.audit.events import Actor
    from exhume.casework.actions import do_correct_remains

    remains = site.remains.get(case_number="C-0002")
    do_correct_remains(Actor("a", "admin"), remains, reason="brother identified the coat",
                       authority="prosecutor Koval", reason_code="new_examination",
                       sex="male")  # fmt: skip
    release(tmp_path / "r1")
    assert b"Koval" not in (tmp_path / "r1" / "proofs.json").read_bytes()
    path = tmp_path / "d.json"
    args = ["disclose", "--as", "reader", "--record", str(remains.pk), "--out", str(path)]
    assert run(*args, "--note").exit_code == 0
    assert json.loads(path.read_text())["note"]["authority"] == "prosecutor Koval"
    checked = run("verify-disclosure", str(path), "--release", str(tmp_path / "r1"), "--key",
                  vkey())  # fmt: skip
    assert checked.exit_code == 0, checked.output
    assert "ok: its note opens: reason 'new_examination' ('brother identified the coat'), " \
        "authority 'prosecutor Koval'" in checked.output  # fmt: skip
    data = json.loads(path.read_text())
    data["note"]["authority"] = "someone else"
    path.write_text(json.dumps(data))
    forged = run("verify-disclosure", str(path), "--release", str(tmp_path / "r1"), "--key",
                 vkey())  # fmt: skip
    assert forged.exit_code == 2
    assert "do not open its note" in forged.output
