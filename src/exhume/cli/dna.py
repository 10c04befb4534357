"""``exhume dna``: DNA records from lab and case files (a thin skin over :mod:`exhume.dna`).

``import-dvi`` reads a whole case in dvi-json into a site, ``export-dvi`` writes it back,
``import-frequencies`` stores a frequency database from the long CSV format and can choose it
for a site, ``import-profiles`` reads genotype tables. Every import writes all or nothing.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import click

from exhume.cli.base import ExhumeGroup, _, main, setup_django


def _actor() -> Any:
    from exhume.audit.events import Actor
    from exhume.audit.models import Role

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor(f"cli:{user}", Role.LAB)


@click.group(cls=ExhumeGroup)
def dna() -> None:
    """DNA records: samples, profiles, relatives and pedigrees."""


@dna.command("import-dvi")
@click.argument("problem", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--site", "slug", required=True, help="Slug of the site to fill (created if new).")
def import_dvi(problem: Path, slug: str) -> None:
    """Read a whole DVI case (dvi-json) into a site: remains, families, pedigrees, profiles."""
    setup_django(migrate=True)
    from exhume.dna.dvi import do_import_dvi

    report = do_import_dvi(_actor(), problem, slug=slug)
    click.echo(
        _("%(dataset)s -> site %(site)s: %(remains)s remains, %(families)s families, "
          "%(missing)s missing persons, %(relatives)s typed relatives, %(markers)s markers")
        % {"dataset": report.dataset or problem.stem, "site": report.site,
           "remains": report.remains, "families": report.families,
           "missing": report.missing_persons, "relatives": report.references,
           "markers": report.markers}
    )  # fmt: skip


@dna.command("export-dvi")
@click.option("--site", "slug", required=True, help="Slug of the site.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The dvi-json file to write.")  # fmt: skip
@click.option("--use", type=click.Choice(["case", "national", "international"]), default="case",
              show_default=True,
              help="What the file is for: only references whose family's consent reaches it "
              "are written (international: a file for another country).")  # fmt: skip
def export_dvi(slug: str, out: Path, use: str) -> None:
    """Write a site's DNA case as dvi-json (for exhume kinship solve, dvir or Familias),
    honouring each reference's consent."""
    setup_django(migrate=True)
    from exhume.casework.queries import get_site
    from exhume.dna.dvi import export_case

    export = export_case(get_site(slug), use=use)
    doc = export.document
    out.write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    refs, withheld = len(doc["references"]), export.withheld
    click.echo(_("%(out)s: %(victims)s victims, %(families)s families, %(refs)s references "
                 "(%(withheld)s left out by consent)")
               % {"out": out, "victims": len(doc["pm"]), "families": len(doc["am"]),
                  "refs": refs, "withheld": withheld})  # fmt: skip


@dna.command("import-frequencies")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--population", required=True, help="Population label, as in the file.")
@click.option("--name", default=None, help="Name of the database (default FILE:POPULATION).")
@click.option("--site", "slug", default=None, help="Choose it for this site's kinship runs.")
def import_frequencies(csv_file: Path, population: str, name: str | None, slug: str | None) -> None:
    """Store an allele-frequency database from the long CSV format (and choose it for a site)."""
    setup_django(migrate=True)
    from exhume.casework.queries import get_site
    from exhume.dna.actions import do_import_frequencies, do_set_kinship_parameters
    from exhume.dna.frequencies import read_frequency_csv

    rows = read_frequency_csv(csv_file.read_text(encoding="utf-8"), population, csv_file.name)
    db = do_import_frequencies(
        _actor(), name=name or f"{csv_file.stem}:{population}", population=population,
        rows=rows, source=csv_file.name,
    )  # fmt: skip
    if slug:
        do_set_kinship_parameters(_actor(), site=get_site(slug), frequency_database=db)
    markers = len({r.marker for r in rows})
    click.echo(
        _("%(name)s: %(alleles)s alleles at %(markers)s markers")
        % {"name": db.name, "alleles": len(rows), "markers": markers}
    )


@dna.command("import-profiles")
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--site", "slug", required=True, help="Slug of the site the samples belong to.")
@click.option("--lab", required=True, help="The laboratory that typed the samples.")
@click.option("--kit", default="", help="The typing kit, e.g. a 23-locus STR kit.")
@click.option("--analyst", default="", help="Who called the alleles.")
@click.option("--typed-on", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Date of typing (YYYY-MM-DD).")  # fmt: skip
def import_profiles(
    table: Path, slug: str, lab: str, kit: str, analyst: str, typed_on: Any
) -> None:
    """Import a genotype table (long or CE-software form); any bad row: nothing written, exit 2."""
    setup_django(migrate=True)
    from exhume.casework.queries import get_site
    from exhume.dna.profile_import import do_import_profiles

    report = do_import_profiles(
        _actor(), table.read_text(encoding="utf-8-sig"), site=get_site(slug), source=table.name,
        lab=lab, kit=kit, analyst=analyst, typed_on=typed_on.date() if typed_on else None,
    )  # fmt: skip
    click.echo(
        _("%(table)s: %(profiles)s profiles from %(rows)s rows (%(counting)s counting, "
          "%(minimum)s alleles given the minimum frequency)")
        % {"table": table.name, "profiles": report.profiles, "rows": report.rows,
           "counting": report.counting, "minimum": report.minimum_frequency_alleles}
    )  # fmt: skip


main.add_command(dna)
