"""``exhume report``: printed reports (PDF), each recorded with its SHA-256 in the log."""

from __future__ import annotations

from pathlib import Path

import click

from exhume.cli.base import ExhumeGroup, _, main, setup_django
from exhume.cli.ledger import _actor


@main.group(cls=ExhumeGroup)
def report() -> None:
    """Printed reports (PDF); each one's SHA-256 goes into the tamper-evident log."""


@report.command("site")
@click.option("--site", "slug", required=True, help="Slug of the site, e.g. izium.")
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The PDF file to write.")  # fmt: skip
def site_report(slug: str, out: Path) -> None:
    """A site's public figures, breakdown, running chart, counting rules and signed release."""
    setup_django()
    from exhume.casework.queries import get_site
    from exhume.reports.actions import do_record_report
    from exhume.reports.content import site_report_css, site_report_html
    from exhume.reports.pdf import html_to_pdf

    site = get_site(slug)
    pdf = html_to_pdf(site_report_html(site), site_report_css())
    made = do_record_report(_actor(), site=site, kind="site", pdf=pdf, out=out)
    click.echo(_("%(out)s: %(size)s bytes, sha256 %(sha256)s (report %(report)s, logged)")
               % {"out": out, "size": made.size_bytes, "sha256": made.sha256,
                  "report": made.pk})  # fmt: skip


@report.command("identification")
@click.option("--proposal", "pk", required=True, type=int, help="The proposal's id (the board).")
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The PDF file to write.")  # fmt: skip
@click.option("--as", "as_user", default=None, metavar="USER",
              help="The account this read acts as (default: $EXHUME_USER).")  # fmt: skip
def identification_report(pk: int, out: Path, as_user: str | None) -> None:
    """The board's identification report, as issued, printed to PDF (it holds names)."""
    setup_django()
    from exhume.access.accounts import acting_user
    from exhume.access.policy import Data, role_of
    from exhume.audit.events import Actor
    from exhume.project.server import collect_static_files
    from exhume.reports.actions import do_record_report
    from exhume.reports.identification import (
        identification_report_css,
        identification_report_html,
        proposal_for,
    )
    from exhume.reports.pdf import html_to_pdf

    collect_static_files()  # the report names its stylesheet by the collected manifest
    user = acting_user(as_user, Data.IDENTIFICATION)
    proposal = proposal_for(user, pk)
    pdf = html_to_pdf(identification_report_html(proposal), identification_report_css())
    made = do_record_report(
        Actor(user.get_username(), str(role_of(user))),
        site=proposal.remains.site,
        kind="identification",
        pdf=pdf,
        out=out,
        record=f"identification.proposal:{proposal.pk}",
    )
    click.echo(_("%(out)s: %(size)s bytes, sha256 %(sha256)s (report %(report)s, logged); it "
                 "holds names: hand it only to whoever may see them")
               % {"out": out, "size": made.size_bytes, "sha256": made.sha256,
                  "report": made.pk})  # fmt: skip
