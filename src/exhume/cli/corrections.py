"""``exhume correct``: correct one record from the command line, as of the version read."""

from __future__ import annotations

import getpass
import json
from typing import Any

import click

from exhume.cli.base import _, main, setup_django
from exhume.errors import InvalidInputError, NotFoundError
from exhume.ledger.commitments import REASON_CODES

#: ``record type -> (module, model, correction action)``, imported once Django is set up.
KINDS = {
    "casework.site": ("exhume.casework", "Site", "do_correct_site"),
    "casework.grave": ("exhume.casework", "Grave", "do_correct_grave"),
    "casework.burialjournalentry": (
        "exhume.casework", "BurialJournalEntry", "do_correct_journal_entry"
    ),
    "casework.remains": ("exhume.casework", "Remains", "do_correct_remains"),
    "families.missingperson": ("exhume.families", "MissingPerson", "do_correct_missing_person"),
}  # fmt: skip


def parse_change(text: str) -> tuple[str, Any]:
    """``FIELD=TEXT`` (a string) or ``FIELD:=JSON`` (a number, list, null ...)."""
    if ":=" in text:
        name, raw = text.split(":=", 1)
        try:
            return name, json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(_("%(text)s: not JSON (%(error)s)")
                                    % {"text": repr(text), "error": exc.msg},
                                    field=name) from None  # fmt: skip
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise InvalidInputError(_("%(text)s: write FIELD=VALUE or FIELD:=JSON")
                                % {"text": repr(text)}, field="changes")  # fmt: skip
    return name, value


@main.command()
@click.argument("record")
@click.argument("changes", nargs=-1, required=True)
@click.option(
    "--expected-version",
    type=int,
    required=True,
    help="The version of the record you read; if it has moved on, nothing is saved.",
)
@click.option("--reason", required=True, help="Why the record is corrected (kept in the log).")
@click.option("--authority", required=True, help="Who ordered or approved the correction.")
@click.option(
    "--reason-code",
    type=click.Choice(REASON_CODES),
    default="other",
    show_default=True,
    help="The kind of correction: the only part of the reason a published log entry shows.",
)
def correct(
    record: str,
    changes: tuple[str, ...],
    expected_version: int,
    reason: str,
    authority: str,
    reason_code: str,
) -> None:
    """Correct RECORD (TYPE:ID, e.g. casework.remains:17) with FIELD=VALUE changes, as of the
    version you read; a conflict (someone corrected it meanwhile) exits 75 naming the fields."""
    setup_django()
    import importlib

    from exhume.audit.events import Actor
    from exhume.audit.models import Role
    from exhume.core.corrections import CorrectionIn, apply_correction, get_record

    record_type, _sep, record_id = record.rpartition(":")
    if record_type not in KINDS:
        raise NotFoundError(_("no record type %(type)s; use %(kinds)s")
                            % {"type": repr(record_type), "kinds": ", ".join(KINDS)},
                            field="record")  # fmt: skip
    package, model_name, action_name = KINDS[record_type]
    model = getattr(importlib.import_module(f"{package}.models"), model_name)
    action = getattr(importlib.import_module(f"{package}.actions"), action_name)
    body = CorrectionIn(
        version=expected_version, reason=reason, authority=authority, reason_code=reason_code,
        changes=dict(parse_change(c) for c in changes),
    )  # fmt: skip
    actor = Actor(f"cli:{_user()}", Role.ADMIN)
    corrected = apply_correction(action, actor, get_record(model, record_id), body)
    click.echo(
        _("corrected %(type)s %(id)s: now version %(version)s")
        % {"type": record_type, "id": corrected.pk, "version": corrected.version}
    )


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
