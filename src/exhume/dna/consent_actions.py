"""Recording a family's consent for a reference sample: each statement is a new logged row, so
the history is kept (rules in :mod:`exhume.dna.consent`).

A withdrawal sends :data:`consent_withdrawn` inside the same transaction: the identification
app, which the DNA app may not import, sends back to review every decision that relied on the
sample (:mod:`exhume.identification.consent`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from exhume.audit.events import Actor
from exhume.audit.models import Role
from exhume.audit.writes import create
from exhume.dna.consent import Retention, Scope
from exhume.dna.models import Consent, Sample
from exhume.errors import AccessDeniedError, InvalidInputError

#: sent with ``sample``, ``actor`` and ``reason`` when a consent is withdrawn
consent_withdrawn = Signal()
#: who records a family's consent: family liaison (the administrator corrects)
RECORDERS = frozenset({Role.LIAISON, Role.ADMIN, Role.SYSTEM})


def do_record_consent(
    actor: Actor,
    sample: Sample,
    *,
    scope: str,
    retention: str,
    given_on: dt.date,
    given_by: str = "",
    reason: str = "",
) -> Consent:
    """Record the family's consent for ``sample`` (a reference sample); a change of an earlier
    consent needs a reason. A withdrawal removes the sample from every later run and sends the
    decisions that relied on it back to review."""
    with transaction.atomic(durable=True):
        return record_consent(
            actor, sample, scope=scope, retention=retention, given_on=given_on,
            given_by=given_by, reason=reason,
        )  # fmt: skip


def record_consent(actor: Actor, sample: Sample, **fields: Any) -> Consent:
    """The step of :func:`do_record_consent`, inside the caller's transaction."""
    if actor.role not in RECORDERS:
        raise AccessDeniedError(_("only family liaison records a family's consent"))
    if sample.donor_id is None:
        raise InvalidInputError(
            _("sample %(barcode)s is not a reference sample: consent is given for a family's "
              "samples only") % {"barcode": sample.barcode},
            field="sample",
        )  # fmt: skip
    _check(fields)
    locked = Sample.objects.select_for_update().get(pk=sample.pk)
    previous = current(locked)
    if previous is not None and not str(fields.get("reason", "")).strip():
        raise InvalidInputError(_("a change of consent needs a reason"), field="reason")
    consent = create(
        Consent,
        actor,
        {"sample": locked, "recorded_by": actor.username, "recorded_at": timezone.now(),
         **fields},
    )  # fmt: skip
    was_used = previous is None or previous.scope != Scope.WITHDRAWN
    if consent.scope == Scope.WITHDRAWN and was_used:
        consent_withdrawn.send(Consent, sample=locked, actor=actor, reason=consent.reason)
    return consent


def current(sample: Sample) -> Consent | None:
    """The consent in force for ``sample`` (its latest statement), or ``None``."""
    return sample.consents.order_by("-recorded_at", "-id").first()


def _check(fields: dict[str, Any]) -> None:
    if fields.get("scope") not in Scope.values:
        raise InvalidInputError(
            _("choose the use: %(choices)s") % {"choices": ", ".join(Scope.values)},
            field="scope",
        )
    if fields.get("retention") not in Retention.values:
        raise InvalidInputError(
            _("choose keep or destroy after the identification"), field="retention"
        )
    given_on = fields.get("given_on")
    if not isinstance(given_on, dt.date):
        raise InvalidInputError(_("the date the consent was given is required"), field="given_on")
    if given_on > timezone.localdate():
        raise InvalidInputError(_("the consent date is in the future"), field="given_on")
