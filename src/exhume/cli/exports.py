"""``exhume export site``: a whole site as one archive that ``exhume verify FILE`` checks."""

from __future__ import annotations

from pathlib import Path

import click

from exhume.cli.base import ExhumeGroup, main, setup_django


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
        f"wrote {out}: {made.records} records, {made.log_size} log entries, {made.releases} "
        f"releases, {made.photos} photos' hashes; sha256 {made.sha256}. It holds personal data: "
        "hand it only to whoever may see it. Check it with: exhume verify " + str(out)
    )
