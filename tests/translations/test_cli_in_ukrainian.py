"""The command line speaks the language of EXHUME_LANGUAGE (or the locale's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from exhume.cli import main

pytestmark = pytest.mark.django_db


def run(language: str, *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env={"EXHUME_LANGUAGE": language})
    return result.output


def test_errors_and_tables_are_printed_in_ukrainian_when_asked(make_site: object) -> None:
    refused = run("uk", "disclose", "--record", "1", "--out", "/tmp/never-written.json")
    assert "ця команда читає дані з обмеженим доступом" in refused
    missing = run("uk", "stats", "--site", "nowhere")
    assert "немає місця з ідентифікатором 'nowhere'" in missing


def test_and_in_english_otherwise() -> None:
    refused = run("en", "disclose", "--record", "1", "--out", "/tmp/never-written.json")
    assert "this command reads restricted data" in refused


def correct(language: str, record: str) -> str:
    return run(language, "correct", record, "sex=male", "--expected-version", "1",
               "--reason", "r", "--authority", "a")  # fmt: skip


def test_the_daily_commands_and_the_dna_app_speak_ukrainian(make_site: Any, tmp_path: Path) -> None:
    refused = correct("uk", "casework.nowhere:1")
    assert "помилка:" in refused and "немає типу запису 'casework.nowhere'" in refused
    checked = run("uk", "verify", "--db")
    assert "гаразд: база даних відповідає своєму журналу: записів журналу: " in checked
    make_site("lisova")
    no_case = run("uk", "dna", "export-dvi", "--site", "lisova", "--out", str(tmp_path / "x.json"))
    assert "місце 'lisova' не має параметрів аналізу спорідненості" in no_case
    table = tmp_path / "frequencies.csv"
    table.write_text("population,marker,allele,frequency,n\nuk,D3S1358,15,2.5,\n")
    rows = run("uk", "dna", "import-frequencies", str(table), "--population", "uk")
    assert "2.5 не належить до (0, 1]" in rows


def test_the_daily_commands_in_english_otherwise(make_site: Any, tmp_path: Path) -> None:
    assert "no record type 'casework.nowhere'" in correct("en", "casework.nowhere:1")
    assert "ok: the database matches its log: " in run("en", "verify", "--db")
    make_site("lisova")
    no_case = run("en", "dna", "export-dvi", "--site", "lisova", "--out", str(tmp_path / "x.json"))
    assert "site 'lisova' has no kinship parameters" in no_case
