"""Docs that the tests keep honest: every command of the CLI is documented in the README."""

from __future__ import annotations

from pathlib import Path

import click

from exhume.cli import main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def command_paths(group: click.Group, prefix: str = "exhume") -> list[str]:
    paths: list[str] = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, f"{prefix} {name}"))
        else:
            paths.append(f"{prefix} {name}")
    return paths


def test_every_command_is_documented_in_the_readme() -> None:
    undocumented = [path for path in command_paths(main) if f"`{path}" not in README]
    assert undocumented == []


def test_the_readme_shows_the_two_setup_commands() -> None:
    assert "make demo" in README
    assert "make test" in README
