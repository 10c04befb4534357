"""The access log as JSON, per person and per record (administrators only, by the policy)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.security import django_auth

from exhume.access import queries

router = Router(tags=["staff"], auth=django_auth)


@router.get("/access", summary="Who looked at what: filter by user and/or record")
def access_entries(
    request: HttpRequest, user: str = "", record: str = "", limit: int = 500
) -> list[dict[str, Any]]:
    return [queries.entry_row(e) for e in queries.entries(user=user, record=record)[:limit]]
