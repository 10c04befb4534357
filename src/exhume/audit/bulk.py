"""Create many records at once (imports, the demo), still one log entry per record.

:func:`create_many` is :func:`exhume.audit.writes.create` for a batch: each record is checked
(the caller's rule plus Django's field checks), all are inserted with ``bulk_create`` and their
``create`` entries appended under a single lock of the log head. Uniqueness against rows already
in the database is the caller's check (it can ask once for the whole batch), which is what keeps
an import of tens of thousands of rows fast.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils import timezone

from exhume.audit.events import Actor, lock_head, record_type_of, snapshot
from exhume.audit.models import LogEntry
from exhume.errors import InvalidInputError
from exhume.ledger import commit, entry_leaf, make_entry, new_salt

M = TypeVar("M", bound=models.Model)
BATCH = 2000


def create_many(
    instances: Sequence[M],
    actor: Actor,
    *,
    check: Callable[[M], None] | None = None,
    categorise: Callable[[M], dict[str, Any] | None] | None = None,
) -> list[M]:
    """Check, insert and log ``instances`` (unsaved, of one model) inside the caller's
    transaction; the first bad record raises before anything is inserted."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("create_many runs only inside the action's transaction")
    if not instances:
        return []
    for instance in instances:
        if check is not None:
            check(instance)
        _clean_fields(instance)
    model = type(instances[0])
    saved = model._default_manager.bulk_create(list(instances), batch_size=BATCH)
    _append_creates(saved, actor, categorise)
    return saved


def _clean_fields(instance: models.Model) -> None:
    held = [
        f.name
        for f in instance._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and getattr(instance, f.attname) is not None
    ]
    try:
        instance.clean_fields(exclude=held)
    except DjangoValidationError as exc:
        name = next(iter(exc.message_dict))
        raise InvalidInputError("; ".join(exc.message_dict[name]), field=name) from None


def _append_creates(
    saved: Sequence[models.Model],
    actor: Actor,
    categorise: Callable[[Any], dict[str, Any] | None] | None,
) -> None:
    head = lock_head()
    now = timezone.now()
    rows = []
    for offset, instance in enumerate(saved):
        salt = new_salt()
        category = categorise(instance) if categorise else None
        entry = make_entry(
            seq=head.size + offset,
            record_type=record_type_of(instance),
            record_id=str(instance.pk),
            version=1,
            commitment=commit(snapshot(instance), salt),
            action="create",
            actor_role=str(actor.role),
            time=now,
            supersedes=None,
            category=None if category is None else json.loads(json.dumps(category)),
        )
        rows.append(
            LogEntry(
                seq=entry["seq"],
                record_type=entry["record_type"],
                record_id=entry["record_id"],
                version=1,
                action="create",
                actor=actor.username,
                actor_role=entry["actor_role"],
                time=dt.datetime.fromisoformat(entry["time"]),
                salt=salt.hex(),
                commitment=entry["commitment"],
                category=entry["category"],
                entry_format=entry["format"],
                leaf=entry_leaf(entry).decode(),
            )
        )
    LogEntry.objects.bulk_create(rows, batch_size=BATCH)
    head.size += len(rows)
    head.save(update_fields=["size"])
