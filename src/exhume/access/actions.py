"""Every write of the access app: access entries and record restrictions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exhume.access.models import AccessEntry, Restriction
from exhume.access.policy import Data, role_of
from exhume.audit.events import Actor, append_event, latest_entry, record_type_of
from exhume.errors import InvalidInputError


def do_record_access(user: Any, *, data: Data, record: str, page: str) -> AccessEntry:
    """Write one access entry. The access log is itself the audit trail of reads: entries are
    only ever added, so no separate write-log entry is appended for them."""
    if not user.is_authenticated:
        raise InvalidInputError(_("only a logged-in account's views are logged"), field="user")
    with transaction.atomic(durable=True):
        return AccessEntry.objects.create(
            username=user.get_username(),
            role=role_of(user) or "",
            data=data.value,
            record=record[:200],
            page=page[:500],
            time=timezone.now(),
        )


def do_restrict_record(
    actor: Actor, record: models.Model, *, people: Iterable[Any], reason: str
) -> Restriction:
    """Restrict one record to the named people (replacing any earlier list), logged."""
    allowed = list(people)
    if not reason.strip():
        raise InvalidInputError(_("say why the record is restricted"), field="reason")
    if not allowed:
        raise InvalidInputError(_("name at least one person who may see it"), field="people")
    with transaction.atomic(durable=True):
        restriction, created = Restriction.objects.get_or_create(
            record_type=record_type_of(record),
            record_id=str(record.pk),
            defaults={"reason": reason},
        )
        previous = None if created else latest_entry(restriction)
        if not created:
            restriction.reason = reason
            restriction.version += 1
            restriction.save(update_fields=["reason", "version"])
        restriction.people.set(allowed)
        append_event(
            restriction,
            action="create" if created else "correct",
            actor=actor,
            version=restriction.version,
            supersedes=None if created else previous,
            reason="" if created else reason,
            authority="" if created else actor.username,
        )
    return restriction
