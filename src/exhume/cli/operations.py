"""``exhume check``, ``exhume backup`` and ``exhume restore``: running an installation."""

from __future__ import annotations

import tempfile
from pathlib import Path

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


@main.command()
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The archive to write (.tar.gz); never overwrites a file.")  # fmt: skip
def backup(out: Path) -> None:
    """Back up the database, the private log keys and the releases into one archive."""
    setup_django()
    from exhume.backup import KEYS_WARNING
    from exhume.backup import backup as write_backup

    report = write_backup(out)
    click.echo(
        f"backed up the {report.database} database (log of {report.log_size} entries), "
        f"{report.keys} private keys and {report.releases} releases to {report.path}"
    )
    click.echo(f"warning: {KEYS_WARNING}", err=True)


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
        f"restored the {manifest['database']} database (log of {manifest['log_size']} entries, "
        f"backed up {manifest['created_at']}) and {keys} private keys into {config.data_dir()}"
    )
    for name in left_out:
        click.echo(f"left out {name}: published after the database was copied", err=True)
    click.echo("check it: exhume verify --db, and exhume verify on each release folder")
