"""Every change of state to families and missing persons."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from exhume.audit.events import Actor
from exhume.audit.writes import correct, create
from exhume.errors import InvalidInputError
from exhume.families.models import MissingPerson


def do_report_missing_person(actor: Actor, **fields: Any) -> MissingPerson:
    """Register a missing-person report; a family name is required, dates must be in order."""
    return create(MissingPerson, actor, fields, check=_check_missing)


def do_correct_missing_person(
    actor: Actor,
    person: MissingPerson,
    *,
    reason: str,
    authority: str,
    reason_code: str = "other",
    **changes: Any,
) -> MissingPerson:
    """Correct a missing-person report as a logged new version."""
    return correct(
        person,
        actor,
        changes,
        reason=reason,
        authority=authority,
        reason_code=reason_code,
        check=_check_missing,
    )


def _check_missing(person: MissingPerson) -> None:
    if not person.family_name.strip():
        raise InvalidInputError(_("the family name is required"), field="family_name")
    born = person.birth_date.year if person.birth_date else person.birth_year
    if person.birth_date and person.birth_year and person.birth_date.year != person.birth_year:
        raise InvalidInputError(
            _("birth year %(birth_year)s contradicts birth date %(birth_date)s")
            % {"birth_year": person.birth_year, "birth_date": person.birth_date},
            field="birth_year",
        )
    if born and person.last_seen_on and person.last_seen_on.year < born:
        raise InvalidInputError(_("last seen before being born"), field="last_seen_on")
