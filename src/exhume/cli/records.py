"""``exhume demo``, ``exhume serve`` and ``exhume stats``: the case-records commands."""

from __future__ import annotations

import datetime as dt
import json
import os

import click

from exhume.cli.base import main, setup_django


def _(message: str) -> str:
    """Django's ``gettext``, imported on first use so that ``--help`` does not load Django."""
    from django.utils.translation import gettext

    return gettext(message)


@main.command()
@click.option("--seed", default=2022, show_default=True, help="Seed of the synthetic scenario.")
@click.option("--serve", is_flag=True, help="Serve the web app once the demo is built.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=lambda: int(os.environ.get("PORT", "8000")), type=int,
              show_default="$PORT or 8000")  # fmt: skip
def demo(seed: int, serve: bool, host: str, port: int) -> None:
    """Build the synthetic Izium scenario in the default database (and serve it)."""
    setup_django(migrate=True)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from exhume.demo import build_demo
    from exhume.demo.accounts import DEMO_ACCOUNTS
    from exhume.demo.reset import reset_demo_database

    reset_demo_database(demo_users=set(DEMO_ACCOUNTS))
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(),
        console=console, transient=True,
    ) as bar:  # fmt: skip
        tasks: dict[str, object] = {}

        def tick(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)  # type: ignore[arg-type]

        report = build_demo(seed, progress=tick)
    from exhume.demo.identifications import build_demo_board

    board = build_demo_board()
    releases = _publish_demo_releases()
    from exhume.demo.accounts import DEMO_PASSWORD, ensure_demo_accounts

    accounts = ensure_demo_accounts()
    console.print(
        _(
            "[bold]Synthetic demo built[/] (seed %(seed)s) in "
            "%(seconds)s s: %(sites)s sites, %(graves)s graves, "
            "%(journal_entries)s journal lines, %(remains)s remains, "
            "%(missing_persons)s missing-person reports."
        )
        % {
            "seed": report.seed,
            "seconds": report.seconds,
            "sites": report.sites,
            "graves": report.graves,
            "journal_entries": report.journal_entries,
            "remains": report.remains,
            "missing_persons": report.missing_persons,
        }
    )
    if report.dna is not None:
        console.print(
            _(
                "Synthetic DNA: %(families)s families (%(missing_persons)s "
                "missing persons, %(typed_relatives)s typed relatives), "
                "%(samples)s samples, %(custody_events)s custody events, "
                "%(profiles)s profiles."
            )
            % {
                "families": report.dna.families,
                "missing_persons": report.dna.missing_persons,
                "typed_relatives": report.dna.typed_relatives,
                "samples": report.dna.samples,
                "custody_events": report.dna.custody_events,
                "profiles": report.dna.profiles,
            }
        )
    console.print(
        _(
            "Identification board (Izium): run %(run)s in %(seconds)s s, %(proposals)s "
            "proposals, %(confirmed)s confirmed by two signatures, %(reviewed)s awaiting "
            "confirmation, %(flags)s flags, body parts re-associated by DNA: %(tied)s."
        )
        % {
            "run": board.run,
            "seconds": board.seconds,
            "proposals": board.proposals,
            "confirmed": board.confirmed,
            "reviewed": board.reviewed,
            "flags": board.flags,
            "tied": ", ".join(board.reassociated) or "-",
        }
    )
    for label, directory in releases:
        console.print(
            _("Signed release %(label)s: %(directory)s   check it: exhume verify %(directory)s")
            % {"label": label, "directory": directory}
        )
    if serve:
        console.print(
            _(
                "Public page: http://%(host)s:%(port)s/sites/izium/   staff: "
                "log in as one of %(join)s (password %(DEMO_PASSWORD)s; "
                "synthetic demo only)"
            )
            % {
                "host": host,
                "port": port,
                "join": ", ".join(accounts),
                "DEMO_PASSWORD": DEMO_PASSWORD,
            }
        )
        _serve(host, port)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=lambda: int(os.environ.get("PORT", "8000")), type=int,
              show_default="$PORT or 8000")  # fmt: skip
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Server processes [default: $EXHUME_WORKERS or one per core]")  # fmt: skip
def serve(host: str, port: int, workers: int | None) -> None:
    """Serve the web app with gunicorn on the configured database until stopped (Ctrl-C)."""
    setup_django(migrate=True)
    _serve(host, port, workers)


@main.command()
@click.option("--site", "slug", required=True, help="Slug of the site, e.g. izium.")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Count only remains exhumed on or before this date.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def stats(slug: str, as_of: dt.datetime | None, as_json: bool) -> None:
    """Print a site's figures, computed from its records by the counting rules."""
    setup_django()
    from rich.console import Console
    from rich.table import Table

    from exhume.casework.queries import get_site
    from exhume.publication.queries import site_summary

    summary = site_summary(get_site(slug), as_of=as_of.date() if as_of else None).as_dict()
    if as_json:
        click.echo(json.dumps({"site": slug, **summary}, ensure_ascii=False, indent=2))
        return
    as_of_text = _("%(slug)s as of %(day)s") % {"slug": slug, "day": summary["as_of"]}
    table = Table(title=as_of_text if summary["as_of"] else slug)
    table.add_column(_("figure"))
    table.add_column(_("value"), justify="right")
    for key, value in summary.items():
        if key not in {"running", "as_of"}:
            table.add_row(key.replace("_", " "), str(value))
    Console().print(table)


def _publish_demo_releases() -> list[tuple[str, str]]:
    """Publish the first signed release of every demo site (the log key is made on first use)."""
    from exhume.audit.events import Actor
    from exhume.casework.queries import sites
    from exhume.publication.releases import do_publish_release

    actor = Actor.system("demo-builder")
    published = [do_publish_release(actor, site) for site in sites()]
    return [(release.label, str(release.path)) for release in published]


def _serve(host: str, port: int, workers: int | None = None) -> None:
    from exhume.project.server import serve_forever

    serve_forever(host, port, workers=workers)
