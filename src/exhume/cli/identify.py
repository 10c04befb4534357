"""``exhume identify``: run the identification engine over a site and print the proposals."""

from __future__ import annotations

import json

import click

from exhume.cli.base import _, main, setup_django


@main.command()
@click.option("--site", "slug", required=True, help="Slug of the site.")
@click.option("--json", "as_json", is_flag=True, help="Print the run as one JSON object.")
@click.option("--user", default="cli", show_default=True, help="Who runs it (for the log).")
@click.option(
    "--search",
    type=click.Choice(["case", "national"]),
    default="case",
    show_default=True,
    help="case: the site's own families; national: also other sites' families whose consent "
    "allows national search.",
)
def identify(slug: str, as_json: bool, user: str, search: str) -> None:
    """Screen every typed body against every family, solve jointly, compare remains, propose.
    Each reference is used only as far as its family's consent reaches."""
    setup_django(migrate=True)
    from exhume.audit.events import Actor
    from exhume.identification.dna_source import site_dna
    from exhume.identification.queries import get_site, run_report
    from exhume.identification.runs import execute_run, start_run

    site = get_site(slug)
    actor = Actor(f"cli:{user}", "system")
    started = start_run(actor, site, use=search)
    run = execute_run(actor, started, lambda: site_dna(site, use=search))
    report = run_report(run)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    click.echo(_("run %(run)s on %(site)s: %(bodies)s bodies typed, %(missing)s missing persons"
                 " with references") % {"run": report["run"], "site": slug,
               "bodies": report["bodies_typed"],
               "missing": report["missing_with_references"]})  # fmt: skip
    if report["message"]:
        click.echo(report["message"])
    for p in report["proposals"]:
        line = _(
            "  %(remains)s = %(missing)s: DNA log10 LR %(lr).2f, posterior "
            "%(posterior).6f, %(conclusion)s, %(status)s"
        ) % {
            "remains": p["remains"],
            "missing": p["missing"],
            "lr": p["dna_log10_lr"],
            "posterior": p["posterior"],
            "conclusion": p["conclusion"],
            "status": p["status"],
        }
        click.echo(line + ("" if p["policy_met"] else _(" (policy not met)")))  # fmt: skip
    for f in report["flags"]:
        click.echo(_("  flag %(kind)s: %(detail)s") % {"kind": f["kind"], "detail": f["detail"]})
