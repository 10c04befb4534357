"""The command line speaks the language of EXHUME_LANGUAGE (or the locale's)."""

from __future__ import annotations

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
