"""The ``exhume`` command line: a thin skin over the library.

Each command parses its options, calls one library function or action, and prints. Errors from
:mod:`exhume.errors` become a one-line message on stderr and the error's exit code.
Command groups live in sibling modules and are registered at the bottom of this file.
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


@click.group(cls=ExhumeGroup)
@click.version_option(__version__, prog_name="exhume")
def main() -> None:
    """exhume: case records, DNA identification and verifiable counts for mass graves."""


@main.group(cls=ExhumeGroup)
def bench() -> None:
    """Reproducible speed and memory measurements, each with a same-run baseline."""


# Command modules register themselves on ``main`` (or ``bench``) when imported.
