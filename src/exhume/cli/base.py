"""The root of the ``exhume`` command line: the ``main`` and ``bench`` groups and their error
handling. Command modules import these from here (never from :mod:`exhume.cli`, which imports
the command modules), and attach their commands to them.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from exhume import __version__
from exhume.errors import ExhumeError


class ExhumeGroup(click.Group):
    """A click group that turns :class:`ExhumeError` into a clean message and exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ExhumeError as exc:
            click.echo(f"error: {exc.located()}", err=True)
            sys.exit(exc.exit_code)


def setup_django(*, migrate: bool = False) -> None:
    """Configure Django for a command that reads or writes records (and migrate if asked)."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exhume.project.settings")
    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)


@click.group(cls=ExhumeGroup)
@click.version_option(__version__, prog_name="exhume")
def main() -> None:
    """exhume: case records, DNA identification and verifiable counts for mass graves."""


@main.group(cls=ExhumeGroup)
def bench() -> None:
    """Reproducible speed and memory measurements, each with a same-run baseline."""
