"""The two shapes every action takes: create a record, or correct one. Each validates, saves and
appends its log entry in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from exhume.audit.events import (
    Actor,
    append_event,
    check_reason_code,
    latest_entry,
    record_type_of,
)
from exhume.errors import ConflictError, InvalidInputError

M = TypeVar("M", bound=models.Model)
Check = Callable[[Any], None]
Categorise = Callable[[Any], dict[str, Any] | None]


def full_clean(instance: models.Model) -> None:
    """Django's field checks (choices, lengths, uniqueness), as one exhume InvalidInputError.

    Foreign keys given as saved instances are not looked up again (they were read from the
    database in this transaction), which keeps bulk imports fast.
    """
    held = [
        f.name
        for f in instance._meta.concrete_fields
        if isinstance(f, models.ForeignKey)
        and f.is_cached(instance)
        and getattr(instance, f.name) is not None
    ]
    try:
        instance.clean_fields(exclude=held)
        instance.clean()
        instance.validate_unique()
        instance.validate_constraints()
    except DjangoValidationError as exc:
        errors = exc.message_dict
        name = next(iter(errors))
        raise InvalidInputError(
            "; ".join(errors[name]), field=None if name == "__all__" else name
        ) from None


def create(
    model: type[M],
    actor: Actor,
    fields: Mapping[str, Any],
    *,
    check: Check | None = None,
    categorise: Categorise | None = None,
) -> M:
    """Validate and save a new record, then log it (action ``create``, version 1)."""
    instance = model(**fields)
    with transaction.atomic():
        if check is not None:
            check(instance)
        full_clean(instance)
        instance.save()
        append_event(
            instance,
            action="create",
            actor=actor,
            version=1,
            category=categorise(instance) if categorise else None,
        )
    return instance


def correct(
    instance: M,
    actor: Actor,
    changes: Mapping[str, Any],
    *,
    reason: str,
    authority: str,
    reason_code: str = "other",
    check: Check | None = None,
    categorise: Categorise | None = None,
) -> M:
    """Change fields of a record as a logged correction that supersedes its previous entry.

    ``reason_code`` (one of ``exhume.ledger.REASON_CODES``) is what the log's leaf shows; the
    free-text ``reason`` and ``authority`` stay in the log row, committed by the leaf's note.

    The correction is made against ``instance.version``, the version its author read (a form or
    request carries it). Under a lock on the row, if the record has moved on since (a
    concurrent correction), :class:`ConflictError` names the fields of this correction and
    nothing is written: no correction silently overwrites one its author never saw.
    """
    if not reason.strip():
        raise InvalidInputError(_("a correction needs a reason"), field="reason")
    if not authority.strip():
        raise InvalidInputError(
            _("a correction needs the authority that ordered it"), field="authority"
        )
    if not reason_code:
        raise InvalidInputError(_("a correction needs a reason code"), field="reason_code")
    check_reason_code(reason_code)
    unknown = set(changes) - {f.name for f in instance._meta.concrete_fields} - {"body_id"}
    if unknown or "id" in changes or "version" in changes:
        bad = sorted(unknown | ({"id", "version"} & set(changes)))
        raise InvalidInputError(
            _("these fields cannot be corrected: %(join)s") % {"join": ", ".join(bad)}, field=bad[0]
        )
    with transaction.atomic():
        locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
        _refuse_stale(instance, locked, changes)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.version += 1  # type: ignore[attr-defined]
        if check is not None:
            check(locked)
        full_clean(locked)
        locked.save()
        append_event(
            locked,
            action="correct",
            actor=actor,
            version=locked.version,  # type: ignore[attr-defined]
            category=categorise(locked) if categorise else None,
            supersedes=latest_entry(locked),
            reason=reason,
            authority=authority,
            reason_code=reason_code,
        )
    return locked


def _refuse_stale(read: models.Model, locked: models.Model, changes: Mapping[str, Any]) -> None:
    """ConflictError when the row (``locked``) is no longer at the version the author ``read``."""
    seen, now = read.version, locked.version  # type: ignore[attr-defined]
    if seen == now:
        return
    fields = sorted(changes)
    raise ConflictError(
        f"{record_type_of(locked)} {locked.pk} is at version {now}, but this correction of "
        f"{', '.join(fields) or 'nothing'} was made against version {seen}: someone corrected "
        "it meanwhile; nothing was saved. Reload the record and correct it again",
        field=fields[0] if fields else "version",
    )
