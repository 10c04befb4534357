"""A correction as it arrives from outside (a JSON body, command-line ``FIELD=VALUE`` pairs):
the version it was made against, the reason, the authority and the changed fields, turned into
one call of the record's correction action."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from ninja import Schema

from exhume.audit.events import Actor
from exhume.errors import InvalidInputError, NotFoundError

M = TypeVar("M", bound=models.Model)
Action = Callable[..., Any]


class CorrectionIn(Schema):
    """The body of a correction: ``version`` is the version of the record its author read."""

    version: int
    reason: str
    authority: str
    #: what the public log shows (``exhume.ledger.REASON_CODES``); reason and authority stay
    #: private
    reason_code: str = "other"
    changes: dict[str, Any]


def get_record(model: type[M], record_id: int | str) -> M:
    """The record of ``model`` with this id, or NotFoundError naming both."""
    try:
        return model._default_manager.get(pk=record_id)
    except (model.DoesNotExist, ValueError):  # type: ignore[attr-defined]
        raise NotFoundError(
            _("no %(label_lower)s record with id %(record_id)s")
            % {"label_lower": model._meta.label_lower, "record_id": record_id}
        ) from None


def resolve_changes(model: type[models.Model], raw: Mapping[str, Any]) -> dict[str, Any]:
    """``{field: value}`` with each foreign key given by id replaced by its record (a missing
    one is an InvalidInputError naming the field); other values as given (the action validates
    and converts them)."""
    changes: dict[str, Any] = {}
    for name, value in raw.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            message = _("%(model)s has no field %(name)r")
            raise InvalidInputError(
                message % {"model": model._meta.label_lower, "name": name}, field=name
            ) from None
        if field.many_to_one and value not in (None, ""):
            related = field.related_model
            assert isinstance(related, type)
            try:
                value = related._default_manager.get(pk=value)
            except (related.DoesNotExist, ValueError):  # type: ignore[attr-defined]
                message = _("no %(model)s with id %(value)r")
                raise InvalidInputError(
                    message % {"model": related._meta.label_lower, "value": value}, field=name
                ) from None
        elif field.many_to_one:
            value = None
        changes[name] = value
    return changes


def apply_correction(action: Action, actor: Actor, record: M, body: CorrectionIn) -> M:
    """Call ``action`` (``do_correct_remains`` ...) for ``record`` as of ``body.version``."""
    if not body.changes:
        raise InvalidInputError(_("no field was changed, so there is nothing to correct"),
                                field="changes")  # fmt: skip
    changes = resolve_changes(type(record), body.changes)
    record.version = body.version  # type: ignore[attr-defined]
    corrected: M = action(
        actor,
        record,
        reason=body.reason,
        authority=body.authority,
        reason_code=body.reason_code,
        **changes,
    )
    return corrected
