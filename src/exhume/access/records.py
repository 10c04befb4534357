"""Per-record restrictions applied to reads: a restricted record is seen by its named people
only."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from exhume.access.models import Restriction
from exhume.audit.events import record_type_of

M = TypeVar("M", bound=models.Model)


def record_label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def visible(queryset: models.QuerySet[M], user: Any) -> models.QuerySet[M]:
    """``queryset`` without the records restricted to people other than ``user``."""
    hidden = Restriction.objects.filter(record_type=record_label(queryset.model))
    if user is not None and user.is_authenticated:
        hidden = hidden.exclude(people=user)
    ids = list(hidden.values_list("record_id", flat=True))
    return queryset.exclude(pk__in=ids) if ids else queryset


def may_see_record(user: Any, record: models.Model) -> bool:
    """Whether ``user`` is not kept from this record by a restriction."""
    restriction = Restriction.objects.filter(
        record_type=record_type_of(record), record_id=str(record.pk)
    ).first()
    if restriction is None:
        return True
    return bool(
        user is not None
        and user.is_authenticated
        and restriction.people.filter(pk=user.pk).exists()
    )
