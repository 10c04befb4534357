"""``exhume import KIND FILE --site SLUG``: a field table in, all rows or none."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click

from exhume.cli.base import _, main, setup_django
from exhume.cli.ledger import _actor

KINDS = ("graves", "journal", "remains", "missing-persons", "relatives")
BAD_ROWS = 2


@main.command("import")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--site", "slug", required=True, help="Slug of the site the records belong to.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--encoding", default=None, help="Declare a CSV's encoding (e.g. cp1251).")
@click.option(
    "--second-keying",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="journal: a second, independent transcription to compare.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")  # fmt: skip
def import_table(
    kind: str,
    file: Path,
    slug: str,
    dry_run: bool,
    encoding: str | None,
    second_keying: Path | None,
    as_json: bool,
) -> None:
    """Import a CSV or XLSX table; a file with any bad row writes nothing and exits 2."""
    setup_django()
    from exhume.casework.queries import get_site
    from exhume.imports.actions import compare_keyings, do_import
    from exhume.imports.tables import read_table

    site = get_site(slug)
    table = read_table(file, encoding=encoding)
    if second_keying is not None:
        if kind != "journal":
            raise click.UsageError(_("--second-keying compares two transcriptions of the journal"))
        disagreements = compare_keyings(table, read_table(second_keying, encoding=encoding))
        if disagreements:
            if as_json:
                click.echo(json.dumps([asdict(d) for d in disagreements], ensure_ascii=False))
            else:
                click.echo(_("%(count)s disagreements between %(first)s and %(second)s; nothing"
                             " written:")
                           % {"first": file.name, "second": second_keying.name,
                              "count": len(disagreements)}, err=True)  # fmt: skip
                for d in disagreements:
                    click.echo(_("  page %(page)s line %(line)s %(column)s: %(a)s / %(b)s")
                               % {"page": d.page, "line": d.line, "column": d.column,
                                  "a": repr(d.first), "b": repr(d.second)}, err=True)  # fmt: skip
            sys.exit(BAD_ROWS)
    report = do_import(_actor(), kind=kind, table=table, site=site, dry_run=dry_run)
    if as_json:
        click.echo(json.dumps(asdict(report), ensure_ascii=False, indent=2))
    elif report.problems:
        click.echo(_("%(file)s: %(count)s problems; nothing written:")
                   % {"file": file.name, "count": len(report.problems)}, err=True)  # fmt: skip
        for p in report.problems:
            click.echo(f"  {p.line()}", err=True)
    else:
        done = (_("%(file)s (sha256 %(sha256)s): would import %(rows)s rows: %(new)s new, "
                  "%(corrected)s corrected, %(unchanged)s unchanged") if dry_run else
                _("%(file)s (sha256 %(sha256)s): imported %(rows)s rows: %(new)s new, "
                  "%(corrected)s corrected, %(unchanged)s unchanged"))  # fmt: skip
        click.echo(done % {"file": file.name, "sha256": report.sha256, "rows": report.rows,
                           "new": report.created, "corrected": report.corrected,
                           "unchanged": report.unchanged})  # fmt: skip
    if report.problems:
        sys.exit(BAD_ROWS)
