"""JSON twins of the staff pages. Session login required; personal data by permission."""

from __future__ import annotations

from typing import Any

from django.forms.models import model_to_dict
from django.http import HttpRequest
from ninja import Router
from ninja.security import django_auth

from exhume.casework import queries
from exhume.core.dates import parse_date
from exhume.errors import AccessDeniedError

router = Router(tags=["staff"], auth=django_auth)


@router.get("/sites", summary="Every site, as the staff index lists it")
def sites(request: HttpRequest) -> list[dict[str, Any]]:
    return [_row(s) for s in queries.sites()]


@router.get("/sites/{slug}/graves")
def graves(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    return [_row(g) for g in queries.graves(queries.get_site(slug))]


@router.get("/sites/{slug}/journal")
def journal(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    _require(request, "casework.view_burialjournalentry")
    return [_row(e) for e in queries.journal(queries.get_site(slug))]


@router.get("/sites/{slug}/remains")
def remains(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    filters = request.GET.dict()
    parse_date(filters.get("exhumed_on"), "exhumed_on")
    return [_row(r) for r in queries.remains(queries.get_site(slug), filters)]


@router.get("/remains/{remains_id}")
def remains_record(request: HttpRequest, remains_id: int) -> dict[str, Any]:
    return _row(queries.get_remains(remains_id))


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise AccessDeniedError(f"your role may not see this data ({permission})")


def _row(instance: Any) -> dict[str, Any]:
    data = model_to_dict(instance)
    data["id"] = instance.pk
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
