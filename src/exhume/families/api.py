"""JSON API for missing-person reports: the reports a role may see (the JSON twins of the
missing-person pages; who may call them: the access policy), and the correction of a report as
of the version its author read."""

from __future__ import annotations

from typing import Any

from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.security import django_auth

from exhume.core.admin import actor_for
from exhume.core.corrections import CorrectionIn, apply_correction, get_record
from exhume.errors import AccessDeniedError
from exhume.families import queries
from exhume.families.actions import do_correct_missing_person
from exhume.families.models import MissingPerson

router = Router(tags=["families"], auth=django_auth)


@router.get("/missing", summary="Every missing-person report the account may see")
def missing_persons(request: HttpRequest) -> list[dict[str, Any]]:
    return [_row(p) for p in queries.missing_persons(request.user)]


@router.get("/missing/{person_id}", summary="One missing-person report")
def missing_person(request: HttpRequest, person_id: int) -> dict[str, Any]:
    return _row(queries.missing_person(request.user, person_id))


@router.post(
    "/missing-persons/{record_id}/corrections",
    summary="Correct a missing-person report as of the version its author read (409 when stale)",
)
def correct_missing_person(
    request: HttpRequest, record_id: int, body: CorrectionIn
) -> dict[str, Any]:
    if not request.user.has_perm("families.change_missingperson"):
        raise AccessDeniedError(_("your role may not correct missing-person reports"))
    person = get_record(MissingPerson, record_id)
    corrected = apply_correction(do_correct_missing_person, actor_for(request), person, body)
    return _row(corrected)


def _row(person: MissingPerson) -> dict[str, Any]:
    data = model_to_dict(person)
    data["id"] = person.pk
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
