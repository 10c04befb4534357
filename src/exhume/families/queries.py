"""Reads of missing-person reports, shared by pages, the API and the CLI."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from exhume.access.records import may_see_record, visible
from exhume.errors import NotFoundError
from exhume.families.models import MissingPerson


def missing_persons(user: Any) -> QuerySet[MissingPerson]:
    """Every report ``user`` may see (restricted reports only for their named people)."""
    return visible(MissingPerson.objects.order_by("family_name", "given_name", "id"), user)


def missing_person(user: Any, pk: int) -> MissingPerson:
    """One report, or NotFoundError when it does not exist or is restricted from ``user``."""
    person = MissingPerson.objects.filter(pk=pk).first()
    if person is None or not may_see_record(user, person):
        raise NotFoundError(
            _("no missing-person report with id %(pk)s") % {"pk": pk}, field="person_id"
        )
    return person
