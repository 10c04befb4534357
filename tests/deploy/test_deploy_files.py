"""The production files in deploy/ stay in step with the code: the units run commands that
exist, the environment file sets only variables exhume reads, and that configuration passes
``exhume check --deploy`` (but for the static files, which ``exhume serve`` collects)."""

from __future__ import annotations

import configparser
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from exhume import config
from exhume.cli import main

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
CONFIG_SOURCE = (REPO / "src" / "exhume" / "config.py").read_text(encoding="utf-8")


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "systemd" / name, encoding="utf-8")
    return parser


def environment() -> dict[str, str]:
    lines = (DEPLOY / "exhume.env.example").read_text(encoding="utf-8").splitlines()
    pairs = (line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))
    return {name.strip(): value.strip() for name, value in pairs}


def exhume_args(command: str) -> list[str]:
    words = shlex.split(command)
    if words[0] == "/bin/sh":
        words = shlex.split(words[2].replace("exec ", "", 1))
    assert words[0].endswith("/bin/exhume"), command
    return words[1:]


@pytest.mark.parametrize(
    ("name", "expected"), [("exhume.service", "serve"), ("exhume-backup.service", "backup")]
)
def test_each_unit_runs_an_exhume_command_with_the_environment_file(
    name: str, expected: str
) -> None:
    service = unit(name)["Service"]
    assert service["EnvironmentFile"] == "/etc/exhume/exhume.env"
    assert service["User"] == "exhume"
    args = exhume_args(service["ExecStart"].replace("%%", "%"))
    assert args[0] == expected
    command = main.commands[args[0]]
    result = CliRunner().invoke(main, [args[0], "--help"])
    assert result.exit_code == 0, result.output
    known = {opt for param in command.params for opt in getattr(param, "opts", [])}
    assert {a for a in args[1:] if a.startswith("--")} <= known


def test_the_timer_starts_the_backup_service() -> None:
    assert (DEPLOY / "systemd" / "exhume-backup.service").is_file()
    assert unit("exhume-backup.timer")["Timer"]["OnCalendar"]


def test_the_environment_file_sets_only_variables_exhume_reads() -> None:
    unread = [name for name in environment() if f'"{name}"' not in CONFIG_SOURCE]
    assert unread == []


def test_the_environment_file_parses(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, value in environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("EXHUME_DATA_DIR", str(tmp_path))
    assert config.database().engine == "django.db.backends.postgresql"
    assert config.behind_tls() is True
    assert config.debug() is False
    assert config.workers() == 4


def test_the_production_configuration_passes_the_deployment_check(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXHUME_", "DJANGO_"))}
    env.update(environment())
    env["EXHUME_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "exhume.cli", "check", "--deploy"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    reported = set(re.findall(r"\(([a-z_]+\.[WE]\d+)\)", result.stdout + result.stderr))
    assert reported == {"exhume.W004"}, result.stderr
