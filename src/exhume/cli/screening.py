"""``exhume kinship simulate|screen|evaluate`` and ``exhume bench screening``.

``simulate --dvi-json`` writes a simulated DVI problem (:mod:`exhume.kinship.dvisim`) for
``exhume kinship solve`` instead of a screening scenario.

National-scale kinship screening (every body against every missing person, see
:mod:`exhume.kinship.screening`) on scenario files written by ``exhume kinship simulate``
(format in :mod:`exhume.kinship.scenariofile`). ``screen`` writes the JSON document of
:mod:`exhume.kinship.screeningreport`; ``--full-matrix`` also writes the ``(bodies x families)``
float32 log10 LR matrix as ``.npy`` beside it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from exhume.cli.base import bench
from exhume.cli.kinship import kinship

if TYPE_CHECKING:
    from exhume.kinship.frequencies import FrequencyTable
    from exhume.kinship.screening import (
        BlockExecutor,
        ProgressFn,
        ScreeningParams,
        ScreeningResult,
    )
    from exhume.kinship.simulate import Scenario

# -- simulate ---------------------------------------------------------------------------------


@kinship.command("simulate")
@click.option("--families", required=True, type=click.IntRange(min=1),
              help="Missing persons (with --dvi-json: reference families).")  # fmt: skip
@click.option("--remains", required=True, type=click.IntRange(min=0), help="Bodies.")
@click.option(
    "--related-fraction",
    default=None,
    type=click.FloatRange(0, 1),
    help="Share of bodies that are missing persons (default 0.5; with --dvi-json, as many as "
    "there are missing persons).",
)
@click.option("--markers", default=23, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--frequencies",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Long allele-frequency CSV (default: built-in synthetic 23-marker table).",
)
@click.option("--population", help="Population in --frequencies.")
@click.option(
    "--mutation-rate",
    default=1e-3,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Proportional mutation model rate.",
)
@click.option("--seed", required=True, type=int)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Scenario file (.npz) for screening.",
)
@click.option(
    "--dvi-json",
    "dvi_json",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a DVI problem (dvi-json) for `exhume kinship solve` instead.",
)
@click.option(
    "--two-missing",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Families with two missing persons: father and son (--dvi-json); father and son, "
    "or husband and wife (--out), each screened as its own candidate.",
)
@click.option(
    "--partial-share",
    default=0.25,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="With --dvi-json: share of bodies with partial profiles.",
)
@click.option(
    "--truth",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Truth file (JSON): each body's family (or missing person) or null.",
)
def simulate_command(
    families: int,
    remains: int,
    related_fraction: float | None,
    markers: int,
    frequencies: Path | None,
    population: str | None,
    mutation_rate: float,
    seed: int,
    out: Path | None,
    dvi_json: Path | None,
    two_missing: int,
    partial_share: float,
    truth: Path | None,
) -> None:
    """Simulate families of missing persons and bodies; print a JSON summary.

    With --out, a national screening scenario; with --dvi-json, a DVI problem of reference
    families and victims (exhume.kinship.dvisim)."""
    from exhume.kinship.frequencies import (
        DEFAULT_MUTATION_KIND,
        read_frequency_table,
        synthetic_frequency_table,
    )
    from exhume.kinship.scenariofile import file_sha256, save_scenario, save_truth
    from exhume.kinship.simulate import simulate_scenario

    if (out is None) == (dvi_json is None):
        raise click.UsageError("give exactly one of --out (screening) and --dvi-json (DVI)")
    if frequencies is not None and population is None:
        raise click.UsageError("--frequencies needs --population")
    table = (
        read_frequency_table(frequencies, str(population))
        if frequencies is not None
        else synthetic_frequency_table()
    )
    if dvi_json is not None:
        _simulate_dvi(families, remains, related_fraction, markers, table, mutation_rate, seed,
                      dvi_json, two_missing, partial_share, truth)  # fmt: skip
        return
    assert out is not None
    scenario, known = simulate_scenario(
        families,
        remains,
        0.5 if related_fraction is None else related_fraction,
        seed=seed,
        table=table,
        n_markers=markers,
        mutation_kind=DEFAULT_MUTATION_KIND,
        mutation_params={"rate": mutation_rate},
        two_missing=two_missing,
    )
    save_scenario(scenario, out)
    sha = file_sha256(out)
    if truth is not None:
        save_truth(known, truth, scenario_sha256=sha)
    click.echo(json.dumps({"scenario": str(out), "sha256": sha, **scenario.params,
                           "missing": scenario.n_missing,
                           "seed": seed, "frequency_source": table.source.name}))  # fmt: skip


def _simulate_dvi(
    families: int,
    remains: int,
    related_fraction: float | None,
    markers: int,
    table: FrequencyTable,
    mutation_rate: float,
    seed: int,
    path: Path,
    two_missing: int,
    partial_share: float,
    truth: Path | None,
) -> None:
    """``simulate --dvi-json``: write the problem (and its truth), print a summary."""
    from exhume.kinship.dvijson_write import problem_document
    from exhume.kinship.dvisim import simulate_dvi, truth_document
    from exhume.kinship.scenariofile import file_sha256

    identified = None if related_fraction is None else round(related_fraction * remains)
    sim = simulate_dvi(families, remains, seed=seed, n_two_missing=two_missing,
                       n_identified=identified, n_markers=markers, partial_share=partial_share,
                       table=table, mutation_rate=mutation_rate)  # fmt: skip
    path.write_text(json.dumps(problem_document(sim.problem), allow_nan=False))
    sha = file_sha256(path)
    if truth is not None:
        truth.write_text(json.dumps(truth_document(sim, sha)))
    p = sim.problem
    click.echo(json.dumps({"dvi_json": str(path), "sha256": sha, "dataset": p.dataset,
                           "families": len(p.families), "victims": len(p.victims),
                           "missing": len(p.missing), "references": len(p.references),
                           "markers": len(p.markers), "seed": seed,
                           "frequency_source": table.source.name}))  # fmt: skip


# -- screen -----------------------------------------------------------------------------------


@contextmanager
def _progress_bar(total: int, enabled: bool) -> Iterator[ProgressFn | None]:
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("screening"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
               TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("screening", total=total)
        yield lambda n: bar.advance(task, n)


def _executor(dask: str | None, workers: int) -> tuple[BlockExecutor | None, Any]:
    if dask is None:
        return None, None
    from exhume.kinship.parallel import DaskExecutor, dask_client

    ctx = dask_client(dask, n_workers=workers)
    client = ctx.__enter__()
    return DaskExecutor(client), ctx


def run_screening(
    scenario: Scenario,
    params: ScreeningParams,
    *,
    dask: str | None = None,
    workers: int = 2,
    show_progress: bool = False,
) -> ScreeningResult:
    """Screen a scenario serially or on a Dask cluster, with an optional progress bar."""
    from exhume.kinship.screening import screen

    fam = scenario.family_data()
    executor, ctx = _executor(dask, workers)
    n_blocks_hint = max(1, params.min_blocks)
    try:
        with _progress_bar(scenario.n_remains * n_blocks_hint, show_progress) as progress:
            return screen(fam, scenario.remains_genotypes, scenario.remains_sex, params,
                          executor=executor, progress=progress)  # fmt: skip
    finally:
        if ctx is not None:
            ctx.__exit__(None, None, None)


@kinship.command("screen")
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--top", default=5, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--threshold",
    default=1e4,
    show_default=True,
    type=click.FloatRange(min=0),
    help="List every pair with LR >= this.",
)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--full-matrix", is_flag=True, help="Also write FILE.full.npy (log10 LR).")
@click.option(
    "--dask",
    "dask",
    metavar="ADDRESS",
    help="Dask scheduler address, or 'local' for a LocalCluster.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(min=1),
    help="Workers of the local cluster (--dask local).",
)
@click.option(
    "--memory-mb",
    default=6144,
    show_default=True,
    type=click.IntRange(min=64),
    help="Memory budget of one block of families and its buffers.",
)
@click.option("--threads", default=2, show_default=True, type=click.IntRange(min=1))
@click.option("--progress/--no-progress", default=True, show_default=True)  # fmt: skip
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the tables in DIR and reuse them: only new or changed families are rebuilt.",
)
def screen_command(
    scenario: Path,
    top: int,
    threshold: float,
    out: Path,
    full_matrix: bool,
    dask: str | None,
    workers: int,
    memory_mb: int,
    threads: int,
    progress: bool,
    cache_dir: Path | None,
) -> None:
    """Screen every body of SCENARIO against every missing person; write JSON to --out.

    SCENARIO is a screening scenario (.npz) or a dvi-json problem (.json), whose every
    missing person of every family is screened."""
    if scenario.suffix.lower() == ".json":
        if full_matrix or dask:
            raise click.UsageError("--full-matrix and --dask apply to .npz scenarios only")
        _screen_problem(scenario, out, top, threshold, memory_mb, threads, cache_dir)
        return
    import numpy as np

    from exhume.kinship.scenariofile import file_sha256, load_scenario
    from exhume.kinship.screening import ScreeningParams
    from exhume.kinship.screeningreport import LOG10, result_document

    data = load_scenario(scenario)
    params = ScreeningParams(top=top, threshold=threshold, full_matrix=full_matrix,
                             memory_mb=memory_mb, threads=threads,
                             min_blocks=2 * workers if dask else 1)  # fmt: skip
    built = None
    if cache_dir is not None:
        if dask:
            raise click.UsageError("--cache screens in this process; leave out --dask")
        from exhume.kinship.screeningcache import TableCache, screen_cached

        fam = data.family_data()
        cache = TableCache(cache_dir, fam.markers)
        result, built = screen_cached(fam, cache, data.remains_genotypes, data.remains_sex, params)
    else:
        result = run_screening(data, params, dask=dask, workers=workers, show_progress=progress)
    matrix_name = None
    if result.full is not None:
        matrix_path = out.with_suffix(".full.npy")
        np.save(matrix_path, result.full * np.float32(LOG10))
        matrix_name = matrix_path.name
    sha = file_sha256(scenario)
    doc = result_document(
        result, data, scenario_file=scenario.name, scenario_sha256=sha, full_matrix=matrix_name
    )
    out.write_text(json.dumps(doc, allow_nan=False))
    click.echo(json.dumps({"out": str(out), "remains": data.n_remains,
                           "families": data.n_families, "missing": data.n_missing,
                           "skipped": len(result.skipped),
                           "pairs": int(result.pair_body.size),
                           **({} if built is None else {"tables_built": built})}))  # fmt: skip


def _screen_problem(
    path: Path,
    out: Path,
    top: int,
    threshold: float,
    memory_mb: int,
    threads: int,
    cache_dir: Path | None,
) -> None:
    """``screen PROBLEM.json``: every victim against every missing person of every family."""
    from exhume.kinship.dvijson import load_problem
    from exhume.kinship.screening import ScreeningParams
    from exhume.kinship.screeningcache import TableCache
    from exhume.kinship.screeningdvi import screen_problem, screening_document

    problem = load_problem(path)
    params = ScreeningParams(top=top, threshold=threshold, memory_mb=memory_mb, threads=threads)
    cache = None if cache_dir is None else TableCache(cache_dir, problem.markers)
    result, built = screen_problem(problem, params, cache=cache)
    out.write_text(json.dumps(screening_document(problem, result), allow_nan=False))
    click.echo(json.dumps({"out": str(out), "remains": len(problem.victims),
                           "missing": len(problem.missing), "skipped": len(result.skipped),
                           "pairs": int(result.pair_body.size),
                           **({} if built is None else {"tables_built": built})}))  # fmt: skip


# -- evaluate ---------------------------------------------------------------------------------


@kinship.command("evaluate")
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("result", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--truth", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))  # fmt: skip
def evaluate_command(scenario: Path, result: Path, truth: Path) -> None:
    """Accuracy of a screening RESULT against the simulation's truth (JSON)."""
    from exhume.kinship.scenariofile import load_scenario, load_truth
    from exhume.kinship.screeningreport import evaluate_document

    doc = json.loads(result.read_text())
    report = evaluate_document(load_scenario(scenario), doc, load_truth(truth))
    click.echo(json.dumps(report, indent=2))


# -- bench ------------------------------------------------------------------------------------


@bench.command("screening")
@click.option("--remains", default=1000, show_default=True, type=click.IntRange(min=1))
@click.option("--missing", default=6000, show_default=True, type=click.IntRange(min=1))
@click.option("--markers", default=23, show_default=True, type=click.IntRange(1, 23))
@click.option("--seed", default=2022, show_default=True, type=int)
@click.option("--threads", default=2, show_default=True, type=click.IntRange(min=1))
@click.option("--memory-mb", default=6144, show_default=True, type=click.IntRange(min=64))
@click.option(
    "--threshold",
    default=100.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Pairs recorded (100 lets the accuracy report count LR >= 10^2..10^6).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")  # fmt: skip
def bench_screening(
    remains: int,
    missing: int,
    markers: int,
    seed: int,
    threads: int,
    memory_mb: int,
    threshold: float,
    as_json: bool,
) -> None:
    """Time screening of REMAINS bodies x MISSING persons against a gather-and-sum baseline."""
    from exhume.kinship.screening import ScreeningParams
    from exhume.kinship.screeningbench import benchmark

    params = ScreeningParams(threshold=threshold, threads=threads, memory_mb=memory_mb)
    report = benchmark(remains, missing, markers, seed=seed, params=params)
    if as_json:
        click.echo(json.dumps(report))
    else:
        for key, value in report.items():
            click.echo(f"{key}: {value}")
