"""``exhume kinship familias-import / familias-export / frequencies-import``: file conversions.

Thin commands over :mod:`exhume.kinship.familias` (``.fam`` files), :mod:`exhume.kinship.freqdb`
(Familias and FamLinkX frequency databases) and the dvi-json reader and writer.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from exhume.cli.kinship import kinship
from exhume.errors import ProblemFormatError

_IN = click.Path(exists=True, dir_okay=False, path_type=Path)
_OUT = click.Path(dir_okay=False, writable=True, path_type=Path)


@kinship.command("familias-import")
@click.argument("fam", type=_IN)
@click.option(
    "--out",
    required=True,
    type=_OUT,
    help="X.json (dvi-json, or familias-case for a case file) or X.csv (database).",
)
@click.option("--population", default=None,
              help="Population name in the CSV (default: the file's database name).")  # fmt: skip
def familias_import(fam: Path, out: Path, population: str | None) -> None:
    """Convert a Familias .fam file to dvi-json, kinship-lr-json or a frequency CSV."""
    from exhume.kinship.familias import load_fam
    from exhume.kinship.familias_case import case_document
    from exhume.kinship.freqdb import write_long_csv

    read = load_fam(fam)
    if out.suffix.lower() == ".csv":
        text = write_long_csv(read.markers, population or read.database or fam.stem)
        what = f"{len(read.markers)} markers"
    elif read.dvi_document is not None:
        text = json.dumps(read.dvi_document, indent=1, allow_nan=False) + "\n"
        what = f"DVI problem: {len(read.dvi_document['pm'])} victims, "
        what += f"{len(read.dvi_document['am'])} families"
    elif read.case.pedigrees or read.case.persons:
        doc = case_document(read.case, name=fam.name)
        text = json.dumps(doc, indent=1, allow_nan=False) + "\n"
        what = f"case: {len(read.case.persons)} persons, {len(read.case.pedigrees)} pedigrees"
    else:
        raise ProblemFormatError(f"{fam.name} holds only a database; write it to a .csv file")
    out.write_text(text, encoding="utf-8")
    click.echo(f"{out}: {what} (from {fam.name}, sha256 {read.sha256})")


@kinship.command("familias-export")
@click.argument("problem", type=_IN)
@click.option("--out", required=True, type=_OUT, help="The .fam file to write.")
@click.option("--database", default="unknown", show_default=True,
              help="Database name written in the file.")  # fmt: skip
def familias_export(problem: Path, out: Path, database: str) -> None:
    """Write a dvi-json problem or a kinship-lr-json case as a Familias .fam file."""
    from exhume.kinship.dvijson import load_problem
    from exhume.kinship.dvijson_write import with_male_parameters
    from exhume.kinship.familias_case import case_from_document
    from exhume.kinship.familias_write import write_case, write_dvi
    from exhume.kinship.lrjson import FORMAT as LR_FORMAT

    try:
        doc = json.loads(problem.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProblemFormatError(f"{problem.name} is not valid JSON: {exc}") from None
    if isinstance(doc, dict) and str(doc.get("format", "")).startswith(LR_FORMAT):
        text = write_case(case_from_document(doc), database=database)
    else:
        loaded = load_problem(problem)
        markers = with_male_parameters(loaded.markers, doc.get("markers"))
        text = write_dvi(dataclasses.replace(loaded, markers=markers), database=database)
    out.write_text(text, encoding="utf-8", newline="\r\n")
    click.echo(f"{out}: written from {problem.name}")


@kinship.command("frequencies-import")
@click.argument("database", type=_IN)
@click.option("--population", required=True, help="Population name written in the CSV.")
@click.option("--out", required=True, type=_OUT, help="The long CSV to write.")
def frequencies_import(database: Path, population: str, out: Path) -> None:
    """Convert a Familias or FamLinkX frequency database (list or ladder) to exhume's CSV."""
    from exhume.kinship.freqdb import parse_frequency_database, write_long_csv

    try:
        text = database.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProblemFormatError(f"{database.name} is not UTF-8 text: {exc}") from None
    markers = parse_frequency_database(text, name=database.name)
    out.write_text(write_long_csv(markers, population), encoding="utf-8")
    click.echo(f"{out}: {len(markers)} markers of '{population}' from {database.name}")
