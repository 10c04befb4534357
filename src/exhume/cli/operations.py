"""``exhume check``: is this installation safe to put on the Internet?"""

from __future__ import annotations

import click

from exhume.cli.base import main, setup_django


@main.command()
@click.option("--deploy", is_flag=True, help="Add the production checks (TLS, keys, secrets).")
def check(deploy: bool) -> None:
    """Report what is unsafe or broken in the current configuration (exit 1 if anything)."""
    setup_django()
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", deploy=deploy, fail_level="WARNING")
    except SystemCheckError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
