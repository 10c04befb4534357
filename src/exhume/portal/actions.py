"""Every change of state of the family portal's reports. Each ``do_*`` validates, writes in one
durable transaction and appends its log entries.

A family's report is written by the portal itself (actor ``family portal``, role ``system``):
the family has no account. Family liaison then checks it (a missing-person report is created,
or an existing one named), or does not accept it, and may revoke the status link or issue a new
one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exhume.audit.events import Actor
from exhume.audit.models import Role
from exhume.audit.writes import correct, create
from exhume.errors import AccessDeniedError, InvalidInputError
from exhume.families.actions import do_report_missing_person
from exhume.families.models import MissingPerson
from exhume.portal.models import FamilyReport, ReportState
from exhume.portal.tokens import digest, new_reference, new_token

PORTAL = Actor("family portal", Role.SYSTEM)
CHECKERS = frozenset({Role.LIAISON, Role.ADMIN})
AUTHORITY = "family liaison"


@dataclass(frozen=True)
class Receipt:
    """What the family is given once: the reference number and the private status token."""

    report: FamilyReport
    token: str


def do_submit_report(*, language: str, **fields: Any) -> Receipt:
    """Record a family's report (validated by the form) with a new reference number and a new
    status token (only its SHA-256 is kept)."""
    for _attempt in range(5):
        try:
            with transaction.atomic(durable=True):
                return submit_report(language=language, **fields)
        except IntegrityError:  # a reference number drawn twice (40 bits): draw again
            continue
    raise RuntimeError("could not draw a free reference number")


def submit_report(*, language: str, **fields: Any) -> Receipt:
    """The step of :func:`do_submit_report`, inside the caller's transaction."""
    token = new_token()
    report = create(
        FamilyReport,
        PORTAL,
        {**fields, "reference": new_reference(), "token_sha256": digest(token),
         "received_at": timezone.now(), "language": language, "state": ReportState.RECEIVED},
    )  # fmt: skip
    return Receipt(report, token)


def do_verify_report(
    actor: Actor, report: FamilyReport, *, missing_person: MissingPerson | None = None,
    note: str = "",
) -> FamilyReport:  # fmt: skip
    """Family liaison has spoken with the family: the report becomes a missing-person report
    (a new one, or ``missing_person`` when the person is already reported)."""
    _require_checker(actor)
    with transaction.atomic(durable=True):
        locked = _open(report)
        if missing_person is None:
            missing_person = do_report_missing_person(
                actor, family_name=locked.family_name, given_name=locked.given_name,
                patronymic=locked.patronymic, sex=locked.sex, birth_year=locked.birth_year,
                last_seen_on=locked.last_seen_on, last_seen_place=locked.last_seen_place,
                description=locked.description,
                external_reference=f"family portal {locked.reference}",
            )  # fmt: skip
        return correct(
            locked, actor,
            {"state": ReportState.VERIFIED, "missing_person": missing_person,
             "checked_by": actor.username, "checked_at": timezone.now(), "note": note},
            reason=note or "checked with the family", authority=AUTHORITY,
        )  # fmt: skip


def do_reject_report(actor: Actor, report: FamilyReport, *, reason: str) -> FamilyReport:
    """Family liaison does not accept the report (abuse, a duplicate), with the reason."""
    _require_checker(actor)
    if not reason.strip():
        raise InvalidInputError(_("not accepting a report needs a reason"), field="note")
    with transaction.atomic(durable=True):
        locked = _open(report)
        return correct(
            locked, actor,
            {"state": ReportState.REJECTED, "checked_by": actor.username,
             "checked_at": timezone.now(), "note": reason},
            reason=reason, authority=AUTHORITY,
        )  # fmt: skip


def do_revoke_link(actor: Actor, report: FamilyReport, *, reason: str) -> FamilyReport:
    """The status link stops working at once (a lost or shared link), with the reason."""
    _require_checker(actor)
    if not reason.strip():
        raise InvalidInputError(_("revoking a status link needs a reason"), field="note")
    with transaction.atomic(durable=True):
        locked = FamilyReport.objects.select_for_update().get(pk=report.pk)
        return correct(locked, actor, {"link_revoked_at": timezone.now()}, reason=reason,
                       authority=AUTHORITY)  # fmt: skip


def do_issue_link(actor: Actor, report: FamilyReport, *, reason: str) -> Receipt:
    """A new status link for the family (the old one stops working); the token is shown once."""
    _require_checker(actor)
    if not reason.strip():
        raise InvalidInputError(_("a new status link needs a reason"), field="note")
    token = new_token()
    with transaction.atomic(durable=True):
        locked = FamilyReport.objects.select_for_update().get(pk=report.pk)
        changed = correct(
            locked, actor, {"token_sha256": digest(token), "link_revoked_at": None},
            reason=reason, authority=AUTHORITY,
        )  # fmt: skip
    return Receipt(changed, token)


def _require_checker(actor: Actor) -> None:
    if actor.role not in CHECKERS:
        raise AccessDeniedError(_("only family liaison checks the reports families send"))


def _open(report: FamilyReport) -> FamilyReport:
    locked = FamilyReport.objects.select_for_update().get(pk=report.pk)
    if locked.state != ReportState.RECEIVED:
        raise InvalidInputError(
            _("report %(reference)s has already been checked") % {"reference": locked.reference},
            field="state",
        )
    return locked
