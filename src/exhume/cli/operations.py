"""``exhume check``, ``exhume backup`` and ``exhume restore``: running an installation."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from exhume.cli.base import _, main, setup_django


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


@main.command()
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The archive to write (.tar.gz); never overwrites a file.")  # fmt: skip
def backup(out: Path) -> None:
    """Back up the database, the private log keys and the releases into one archive."""
    setup_django()
    from exhume.backup import backup as write_backup

    report = write_backup(out)
    click.echo(
        _("backed up the %(database)s database (log of %(entries)s entries), %(keys)s private "
          "keys and %(releases)s releases to %(path)s")
        % {"database": report.database, "entries": report.log_size, "keys": report.keys,
           "releases": report.releases, "path": report.path}
    )  # fmt: skip
    # exhume.backup.KEYS_WARNING (kept in English in the archive's manifest), for the reader
    shown = _("this archive holds the private log keys: whoever has it can sign releases in "
              "this log's name. Keep it offline and encrypted.")  # fmt: skip
    click.echo(_("warning: %(warning)s") % {"warning": shown}, err=True)


@main.command()
@click.argument("archive", type=click.Path(path_type=Path, exists=True, dir_okay=False))
def restore(archive: Path) -> None:
    """Restore a backup into an empty data folder (and an empty database), then migrate."""
    from exhume import backup, config

    backup.check_empty_data_dir(config.data_dir())
    with tempfile.TemporaryDirectory(prefix="exhume-restore-") as work:
        manifest = backup.extract_verified(archive, Path(work))
        setup_django()
        if manifest["database"] == "postgresql":
            backup.check_empty_database()
        backup.restore_database(manifest, Path(work))
        setup_django(migrate=True)
        keys, left_out = backup.restore_files(Path(work))
    click.echo(
        _("restored the %(database)s database (log of %(entries)s entries, backed up "
          "%(created)s) and %(keys)s private keys into %(folder)s")
        % {"database": manifest["database"], "entries": manifest["log_size"],
           "created": manifest["created_at"], "keys": keys, "folder": config.data_dir()}
    )  # fmt: skip
    for name in left_out:
        click.echo(_("left out %(name)s: published after the database was copied")
                   % {"name": name}, err=True)  # fmt: skip
    click.echo(_("check it: exhume verify --db, and exhume verify on each release folder"))
