"""JSON twins of the staff pages. Who may call each is decided by the access policy before the
route runs (:mod:`exhume.access`); the laboratory gets coded remains; a correction needs the
role's right to change that kind of record."""

from __future__ import annotations

from typing import Any

from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.security import django_auth

from exhume.access.policy import Data, Level, level_of
from exhume.casework import queries
from exhume.casework.actions import (
    do_correct_grave,
    do_correct_journal_entry,
    do_correct_remains,
    do_correct_site,
)
from exhume.casework.models import BurialJournalEntry, Grave, Remains, Site
from exhume.casework.photos import VARIANTS
from exhume.core.admin import actor_for
from exhume.core.corrections import CorrectionIn, apply_correction, get_record
from exhume.core.dates import parse_date
from exhume.errors import AccessDeniedError, NotFoundError

router = Router(tags=["staff"], auth=django_auth)

#: The record kinds a correction can name, with their correction actions.
CORRECTIONS: dict[str, tuple[type[Any], Any]] = {
    "sites": (Site, do_correct_site),
    "graves": (Grave, do_correct_grave),
    "journal": (BurialJournalEntry, do_correct_journal_entry),
    "remains": (Remains, do_correct_remains),
}


@router.get("/sites", summary="Every site, as the staff index lists it")
def sites(request: HttpRequest) -> list[dict[str, Any]]:
    return [_row(s) for s in queries.sites()]


@router.get("/sites/{slug}/graves")
def graves(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    return [_row(g) for g in queries.graves(queries.get_site(slug))]


@router.get("/sites/{slug}/journal")
def journal(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    return [_row(e) for e in queries.journal(queries.get_site(slug), request.user)]


@router.get("/sites/{slug}/remains")
def remains(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    filters = request.GET.dict()
    parse_date(filters.get("exhumed_on"), "exhumed_on")
    rows = queries.remains_for(request.user, queries.get_site(slug), filters)
    return [r if isinstance(r, dict) else _row(r) for r in rows]


@router.get("/remains/{remains_id}")
def remains_record(request: HttpRequest, remains_id: int) -> dict[str, Any]:
    record = queries.remains_record(request.user, remains_id)
    if level_of(request.user, Data.REMAINS) is Level.CODED:
        return queries.coded(record)
    return _row(record)


@router.get("/graves/{grave_id}/photos", summary="A grave's photos (hashes, sizes, copies)")
def grave_photos(request: HttpRequest, grave_id: int) -> list[dict[str, Any]]:
    grave = queries.grave_record(request.user, grave_id)
    return [_photo(p, "casework:grave_photo_file") for p in queries.photos_of(grave)]


@router.get("/remains/{remains_id}/photos", summary="Photos of remains, effects, documents")
def remains_photos(request: HttpRequest, remains_id: int) -> list[dict[str, Any]]:
    record = queries.remains_record(request.user, remains_id)
    return [_photo(p, "casework:remains_photo_file") for p in queries.photos_of(record)]


@router.get("/liaison/photos", summary="Photos of personal effects family liaison may show")
def liaison_photos(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {**row, "urls": _copies("casework:liaison_photo_file", row["id"])}
        for row in queries.liaison_photos(request.user)
    ]


def _photo(photo: Any, url_name: str) -> dict[str, Any]:
    return {**_row(photo), "urls": _copies(url_name, photo.pk)}


def _copies(url_name: str, pk: int) -> dict[str, str]:
    return {v: reverse(url_name, kwargs={"pk": pk, "variant": v}) for v in VARIANTS}


@router.post(
    "/{kind}/{record_id}/corrections",
    summary="Correct a record as of the version its author read (409 when it has moved on)",
)
def correct_record(
    request: HttpRequest, kind: str, record_id: int, body: CorrectionIn
) -> dict[str, Any]:
    if kind not in CORRECTIONS:
        raise NotFoundError(
            _("no record kind %(kind)r; use %(join)s")
            % {"kind": kind, "join": ", ".join(CORRECTIONS)},
            field="kind",
        )
    model, action = CORRECTIONS[kind]
    _require(request, f"casework.change_{model._meta.model_name}")
    record = get_record(model, record_id)
    return _row(apply_correction(action, actor_for(request), record, body))


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise AccessDeniedError(
            _("your role may not see this data (%(permission)s)") % {"permission": permission}
        )


def _row(instance: Any) -> dict[str, Any]:
    data = model_to_dict(instance)
    data["id"] = instance.pk
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
