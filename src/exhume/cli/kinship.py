"""``exhume kinship``: DNA kinship commands (a thin skin over :mod:`exhume.kinship`).

``exhume kinship solve PROBLEM.json`` reads a dvi-json problem, solves it (pairwise LRs,
exclusions, joint table, posterior pairings, conclusions) and prints the JSON result described
in :mod:`exhume.kinship.report`. Other kinship commands attach themselves to the ``kinship``
group defined here. Command modules import the engine inside their commands, so that
``exhume --help`` and every command's ``--help`` start without NumPy, SciPy or Django.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from exhume.cli.base import ExhumeGroup, main
from exhume.kinship.defaults import (
    DEFAULT_MAX_ASSIGNMENTS,
    DEFAULT_MAX_EVALUATIONS,
    DEFAULT_THRESHOLD,
    DEFAULT_TOP,
)


@click.group(cls=ExhumeGroup)
def kinship() -> None:
    """DNA kinship: disaster victim identification against reference families."""


@kinship.command("solve")
@click.argument("problem", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--top",
    default=DEFAULT_TOP,
    show_default=True,
    type=click.IntRange(min=0),
    help="Rows of the joint table to print (n_assignments is always the full count).",
)
@click.option(
    "--max-assignments",
    default=DEFAULT_MAX_ASSIGNMENTS,
    show_default=True,
    type=click.IntRange(min=1),
    help="Above this many assignments the joint table is built stepwise.",
)
@click.option(
    "--max-evaluations",
    default=DEFAULT_MAX_EVALUATIONS,
    show_default=True,
    type=click.IntRange(min=0),
    help="Above this many family likelihoods the joint table is built stepwise.",
)
@click.option(
    "--disable-mutations",
    default="no",
    show_default=True,
    type=click.Choice(["no", "yes", "auto"]),
    help="Mutation models: keep (dvir 3.4's default), strip, or dvir's NA rule.",
)
@click.option("--threshold", default=DEFAULT_THRESHOLD, show_default=True,
              type=click.FloatRange(min=1, min_open=True),
              help="LR threshold for undisputed and GLR identifications.")  # fmt: skip
def solve(
    problem: Path,
    top: int,
    max_assignments: int,
    max_evaluations: int,
    disable_mutations: str,
    threshold: float,
) -> None:
    """Solve a DVI problem (dvi-json) and print the result as JSON."""
    from exhume.kinship.dvijson import load_problem
    from exhume.kinship.report import SolveOptions, solve_problem

    options = SolveOptions(
        top=top,
        max_assignments=max_assignments,
        max_evaluations=max_evaluations,
        threshold=threshold,
        disable_mutations=disable_mutations,
    )
    result = solve_problem(load_problem(problem), options)
    click.echo(json.dumps(result, indent=2, allow_nan=False))


main.add_command(kinship)
