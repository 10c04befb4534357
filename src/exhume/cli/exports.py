"""``exhume export site``: a whole site as one archive that ``exhume verify FILE`` checks."""

from __future__ import annotations

from pathlib import Path

import click

from exhume.cli.base import ExhumeGroup, _, main, setup_django


@main.group(cls=ExhumeGroup)
def export() -> None:
    """Exports of whole sites (archives that exhume verify checks offline)."""


@export.command("site")
@click.option("--site", "slug", required=True, help="Slug of the site, e.g. izium.")
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The archive to write (.tar.gz).")  # fmt: skip
@click.option("--as", "as_user", default=None, metavar="USER",
              help="The account this read acts as (default: $EXHUME_USER).")  # fmt: skip
def export_site(slug: str, out: Path, as_user: str | None) -> None:
    """A site's records, the log, its signed releases and its photos' hashes, in one file."""
    setup_django()
    from exhume.access.accounts import acting_user
    from exhume.access.policy import Data
    from exhume.casework.queries import get_site
    from exhume.publication.archive import export_site_archive

    user = acting_user(as_user, Data.AUDIT_LOG)
    made = export_site_archive(get_site(slug), user, out)
    click.echo(
        _("wrote %(out)s: %(records)s records, %(entries)s log entries, %(releases)s releases, "
          "%(photos)s photos' hashes; sha256 %(sha256)s. It holds personal data: hand it only "
          "to whoever may see it. Check it with: exhume verify %(out)s")
        % {"out": out, "records": made.records, "entries": made.log_size,
           "releases": made.releases, "photos": made.photos, "sha256": made.sha256}
    )  # fmt: skip
