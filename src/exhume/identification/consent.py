"""A withdrawn consent flags the decisions that relied on the reference.

When a family withdraws consent for a reference sample
(:func:`exhume.dna.consent_actions.do_record_consent`), every open proposal for a missing person
of that family's pedigree (the likelihood of each was computed with the family's references)
goes back to review, flagged, in the same transaction; a signed identification loses its date.
Later runs leave the sample out (:func:`exhume.dna.dvi.export_case`). After an
identification, :func:`retention` tells family liaison and the board what the family asked to
become of each of its reference samples (keep or destroy).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from exhume.audit.events import Actor
from exhume.dna.consent_actions import current
from exhume.dna.models import Sample
from exhume.identification.actions import _reopen
from exhume.identification.models import OPEN, Proposal


def relied_on(sample: Sample) -> list[Proposal]:
    """Open proposals whose likelihood used ``sample``: those of the missing persons of its
    donor's pedigree (and of the person the donor is stated to be a relative of)."""
    donor = sample.donor
    if donor is None:
        return []
    persons = set(
        donor.family.members.filter(missing_person__isnull=False).values_list(
            "missing_person_id", flat=True
        )
    )
    if donor.relative_of_id is not None:
        persons.add(donor.relative_of_id)
    return list(
        Proposal.objects.select_for_update()
        .filter(missing_person_id__in=persons, state__in=OPEN)
        .select_related("remains__site", "missing_person", "policy")
        .order_by("id")
    )


def on_consent_withdrawn(sender: Any, *, sample: Sample, actor: Actor, reason: str,
                         **_: Any) -> None:  # fmt: skip
    """Send back to review, flagged, each open proposal that relied on ``sample``."""
    why = f"consent for reference sample {sample.barcode} withdrawn"
    for proposal in relied_on(sample):
        _reopen(proposal, actor, proposal.policy, f"{why}: {reason}" if reason else why)


def retention(person: Any) -> list[dict[str, Any]]:
    """The family's reference samples for ``person`` and what the family asked to become of
    each after the identification (keep or destroy; no consent recorded: not asked)."""
    samples = (
        Sample.objects.filter(
            Q(donor__relative_of=person) | Q(donor__family__members__missing_person=person)
        )
        .distinct()
        .order_by("id")
    )
    out = []
    for sample in samples:
        consent = current(sample)
        out.append({
            "barcode": sample.barcode,
            "retention": consent.retention if consent else "",
            "retention_label": str(consent.get_retention_display()) if consent else "",
        })  # fmt: skip
    return out
