"""Reads of the family portal: a report by its status token, the steps a family may see, and
family liaison's lists.

The status a family sees is made of four coarse steps and nothing else: never DNA, never a
body's details, never another family's data.

1. **report received** (and whether family liaison has checked it);
2. **reference sample taken**: a sample from a relative of the missing person, or a personal
   effect, is recorded;
3. **possible match under review**: a DNA analyst has reviewed a proposal for the person (a
   candidate the engine merely computed is not shown: most are not the person);
4. **identified**: the board has issued the identification report; family liaison will
   contact the family (in person, not through this page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Q, QuerySet, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exhume.dna.models import Sample
from exhume.errors import NotFoundError
from exhume.families.models import MissingPerson
from exhume.identification.models import Proposal, State
from exhume.portal.models import FamilyReport, ReportState
from exhume.portal.tokens import digest

STEPS = (
    ("received", gettext_lazy("Report received")),
    ("sample", gettext_lazy("Reference sample taken")),
    ("review", gettext_lazy("Possible match under review")),
    ("identified", gettext_lazy("Identified: family liaison will contact you")),
)


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool


def report_by_token(token: str) -> FamilyReport:
    """The report whose live status link carries ``token``; NotFoundError otherwise (unknown,
    revoked or mistyped links look the same)."""
    report = FamilyReport.objects.filter(token_sha256=digest(token)).first()
    if report is None or report.link_revoked_at is not None:
        raise NotFoundError(_("this status link does not work: ask family liaison for a new one"))
    return report


def status(report: FamilyReport) -> dict[str, Any]:
    """What the family's link shows: the reference number, the date received, the steps."""
    reached = _reached(report)
    steps = [Step(key, str(label), i < reached) for i, (key, label) in enumerate(STEPS)]
    return {
        "reference": report.reference,
        "received_on": report.received_at.date().isoformat(),
        "checked": report.state == ReportState.VERIFIED,
        "closed": report.state == ReportState.REJECTED,
        "steps": [{"key": s.key, "label": s.label, "done": s.done} for s in steps],
    }


def _reached(report: FamilyReport) -> int:
    person = report.missing_person_id
    if person is None:
        return 1
    proposals = Proposal.objects.filter(missing_person_id=person)
    if proposals.filter(state=State.IDENTIFIED).exists():
        return 4
    if proposals.filter(state__in=(State.REVIEWED, State.CONFIRMED)).exists():
        return 3
    taken = Sample.objects.filter(
        Q(donor__relative_of_id=person) | Q(donor__family__members__missing_person_id=person)
    )
    return 2 if taken.exists() else 1


def reports() -> QuerySet[FamilyReport]:
    """Every report, those waiting for a check first."""
    waiting = Case(When(state=ReportState.RECEIVED, then=Value(0)), default=Value(1))
    return FamilyReport.objects.order_by(waiting, "-received_at", "-id")


def get_report(pk: int) -> FamilyReport:
    report = FamilyReport.objects.select_related("missing_person").filter(pk=pk).first()
    if report is None:
        raise NotFoundError(_("no family report with id %(pk)s") % {"pk": pk}, field="pk")
    return report


def report_row(report: FamilyReport) -> dict[str, Any]:
    """A report as family liaison sees it (with the reporter's contact)."""
    return {
        "id": report.pk,
        "reference": report.reference,
        "received_at": report.received_at.isoformat(),
        "language": report.language,
        "state": report.state,
        "state_label": str(report.get_state_display()),
        "reporter_name": report.reporter_name,
        "reporter_contact": report.reporter_contact,
        "relationship": report.relationship,
        "missing": _name(report),
        "sex": report.sex,
        "sex_label": str(report.get_sex_display()),
        "birth_year": report.birth_year,
        "last_seen_on": report.last_seen_on.isoformat() if report.last_seen_on else None,
        "last_seen_place": report.last_seen_place,
        "description": report.description,
        "missing_person": report.missing_person_id,
        "checked_by": report.checked_by,
        "note": report.note,
        "link_live": report.link_revoked_at is None,
    }


def _name(report: FamilyReport) -> str:
    return " ".join(p for p in (report.family_name, report.given_name, report.patronymic) if p)


def existing_person(pk: Any) -> MissingPerson | None:
    """The missing-person report family liaison names as the same person, or None."""
    if not pk:
        return None
    person = MissingPerson.objects.filter(pk=pk).first()
    if person is None:
        raise NotFoundError(_("no missing-person report with id %(pk)s") % {"pk": pk}, field="pk")
    return person
