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


@kinship.command("power")
@click.argument("problem", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--missing", "missing", required=True, help="Id of the missing person.")
@click.option("--sims", default=1000, show_default=True, type=click.IntRange(min=1),
              help="Simulations per candidate relative.")  # fmt: skip
@click.option("--seed", default=0, show_default=True, type=int, help="Random seed.")
@click.option("--threshold", default=1e4, show_default=True,
              type=click.FloatRange(min=1, min_open=True),
              help="LR a true match should reach.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def power(problem: Path, missing: str, sims: int, seed: int, threshold: float,
          as_json: bool) -> None:  # fmt: skip
    """Whom to sample next: simulated power of a missing person's references (dvi-json)."""
    from exhume.kinship.dvijson import load_problem
    from exhume.kinship.powerjson import power_json

    result = power_json(load_problem(problem), missing, n_sims=sims, seed=seed,
                        threshold=threshold)  # fmt: skip
    if as_json:
        click.echo(json.dumps(result, indent=2, allow_nan=False))
        return
    click.echo(f"{'typing':40s} {'P(LR>=t)':>9s} {'E[log10 LR]':>12s} {'excl. power':>12s}")
    for row in result["candidates"]:
        click.echo(f"{row['relative']:40s} {row['p_identified']:9.3f} "
                   f"{row['expected_log10_lr']:12.2f} {row['exclusion_power']:12.4f}")  # fmt: skip
