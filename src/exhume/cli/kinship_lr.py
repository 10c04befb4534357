"""``exhume kinship lr`` and ``exhume kinship power``: the everyday kinship test and whom to
sample next (thin skins over :mod:`exhume.kinship.lr` and :mod:`exhume.kinship.power`).

``lr CASE.json`` reads a kinship-lr-json case and prints the LRs of every hypothesis against
the reference (format in :mod:`exhume.kinship.lrjson`).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from exhume.cli.kinship import kinship


@kinship.command("lr")
@click.argument("case", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def lr(case: Path) -> None:
    """Kinship LRs between pedigree hypotheses (kinship-lr-json) as JSON."""
    from exhume.kinship.lrjson import load_case, result_json, solve_case

    parsed = load_case(case)
    click.echo(json.dumps(result_json(parsed, solve_case(parsed)), indent=2, allow_nan=False))
