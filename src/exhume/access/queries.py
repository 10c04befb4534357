"""Reads of the access log."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from exhume.access.models import AccessEntry


def entries(*, user: str = "", record: str = "") -> QuerySet[AccessEntry]:
    """Access entries, newest first, for one user and/or one record (``type:id``)."""
    qs = AccessEntry.objects.all()
    if user:
        qs = qs.filter(username=user)
    if record:
        qs = qs.filter(record=record)
    return qs


def entry_row(entry: AccessEntry) -> dict[str, Any]:
    return {
        "user": entry.username,
        "role": entry.role,
        "data": entry.data,
        "record": entry.record,
        "page": entry.page,
        "time": entry.time.isoformat(),
    }
