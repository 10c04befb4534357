"""The root of the ``exhume`` command line: the ``main`` and ``bench`` groups and their error
handling. Command modules import these from here (never from :mod:`exhume.cli`, which imports
the command modules), and attach their commands to them.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from exhume.errors import ExhumeError


class ExhumeGroup(click.Group):
    """A click group that turns :class:`ExhumeError` into a clean message and exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ExhumeError as exc:
            click.echo(_error_line(exc), err=True)
            sys.exit(exc.exit_code)


def _error_line(exc: ExhumeError) -> str:
    """``error: ...`` in the command's language once Django is set up (commands that only read
    files run without it, in English)."""
    if "django.conf" not in sys.modules:  # a file-only command never loaded Django
        return "error: " + exc.located()
    from django.conf import settings

    if not settings.configured:
        return "error: " + exc.located()
    from django.utils.translation import gettext as _

    return _("error: %(located)s") % {"located": exc.located()}


def _(message: str) -> str:
    """Django's ``gettext`` once Django is set up; the message itself (English) in a command
    that only reads files and never loaded Django (``exhume verify DIR``, ``--help``)."""
    if "django.apps" not in sys.modules:
        return message
    from django.apps import apps

    if not apps.ready:
        return message
    from django.utils.translation import gettext

    return gettext(message)


def setup_django(*, migrate: bool = False) -> None:
    """Configure Django for a command that reads or writes records (and migrate if asked)."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exhume.project.settings")
    django.setup()
    _activate_language()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)


def _activate_language() -> None:
    """Messages in the language of ``EXHUME_LANGUAGE``, else of the locale (``LC_ALL``,
    ``LC_MESSAGES``, ``LANG``: ``uk_UA.UTF-8`` gives Ukrainian), else English."""
    import os

    from django.conf import settings
    from django.utils import translation

    known = {code for code, _name in settings.LANGUAGES}
    for variable in ("EXHUME_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        code = os.environ.get(variable, "").split(".")[0].split("_")[0].lower()
        if code in known:
            translation.activate(code)
            return
    translation.activate(settings.LANGUAGE_CODE)


@click.group(cls=ExhumeGroup)
@click.version_option(package_name="exhume", prog_name="exhume")  # read only when asked
def main() -> None:
    """exhume: case records, DNA identification and verifiable counts for mass graves."""


@main.group(cls=ExhumeGroup)
def bench() -> None:
    """Reproducible speed and memory measurements, each with a same-run baseline."""
