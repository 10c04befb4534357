"""Reads of DNA records, shared by the staff pages, the API and the CLI."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from exhume.casework.models import Site
from exhume.dna import custody
from exhume.dna.consent import DEFAULT_SCOPE, NOT_RECORDED
from exhume.dna.drawing import Individual
from exhume.dna.models import Consent, CustodyEvent, Family, PedigreeMember, Profile, Sample
from exhume.errors import NotFoundError

PERMISSION = "dna.view_profile"


def samples(site: Site) -> QuerySet[Sample]:
    """Samples of a site: from its remains and from the relatives of its families."""
    return (
        Sample.objects.filter(Q(remains__site=site) | Q(donor__family__site=site))
        .select_related("remains", "donor__family")
        .order_by("id")
    )


def sampled_grave_ids(site: Site) -> set[int]:
    """The graves of ``site`` from whose remains (a body or a body part) a DNA sample was taken:
    the site plan's "sampled" step (:data:`exhume.maps.queries.STATUS_SOURCES`)."""
    found = Sample.objects.filter(remains__site=site, remains__grave__isnull=False)
    return set(found.values_list("remains__grave_id", flat=True))


def custody_and_profiles(rows: list[Sample]) -> tuple[dict[int, str], dict[int, int]]:
    """For the samples ``rows`` (two queries in all): each one's custody state (by sample id)
    and how many profiles it has (by sample id; a sample without any is absent)."""
    ids = [s.pk for s in rows]
    steps: dict[int, list[str]] = {}
    events = CustodyEvent.objects.filter(sample__in=ids).order_by("at", "id")
    for sample_id, step in events.values_list("sample_id", "step"):
        steps.setdefault(sample_id, []).append(step)
    profiles: dict[int, int] = {}
    for sample_id in Profile.objects.filter(sample__in=ids).values_list("sample_id", flat=True):
        profiles[sample_id] = profiles.get(sample_id, 0) + 1
    return {s.pk: custody.state(steps.get(s.pk, [])) for s in rows}, profiles


def sample_rows(site: Site) -> list[dict[str, Any]]:
    """One row per sample: source, custody state and number of profiles."""
    rows = list(samples(site))
    states, profiles = custody_and_profiles(rows)
    return [
        {
            "barcode": s.barcode,
            "kind": s.kind,
            "source": _source(s),
            "collected_on": s.collected_on.isoformat(),
            "custody_state": states[s.pk],
            "profiles": profiles.get(s.pk, 0),
        }
        for s in rows
    ]


def get_sample(barcode: str) -> Sample:
    """The sample with this barcode, or a NotFoundError naming it."""
    try:
        return Sample.objects.select_related("remains__site", "donor__family").get(barcode=barcode)
    except Sample.DoesNotExist:
        raise NotFoundError(
            _("no sample with barcode %(barcode)s") % {"barcode": repr(barcode)}, field="barcode"
        ) from None


def sample_record(sample: Sample) -> dict[str, Any]:
    """A sample with its custody chain (a timeline) and its profiles."""
    return {
        "barcode": sample.barcode,
        "kind": sample.kind,
        "description": sample.description,
        "source": _source(sample),
        "collected_by": sample.collected_by,
        "collected_on": sample.collected_on.isoformat(),
        "collected_at": sample.collected_at,
        "custody": [
            {
                "step": e.step,
                "at": e.at.isoformat(),
                "by": e.by,
                "location": e.location,
                "notes": e.notes,
            }
            for e in sample.custody.order_by("at", "id")
        ],
        "custody_state": custody.state(
            list(sample.custody.order_by("at", "id").values_list("step", flat=True))
        ),
        "profiles": [profile_record(p) for p in sample.profiles.order_by("id")],
    }


def profile_record(profile: Profile) -> dict[str, Any]:
    return {
        "id": profile.pk,
        "lab": profile.lab,
        "kit": profile.kit,
        "typed_on": profile.typed_on.isoformat() if profile.typed_on else None,
        "analyst": profile.analyst,
        "counts": profile.counts,
        "is_mixture": profile.is_mixture,
        "markers_typed": len(profile.genotype),
        "genotype": profile.genotype,
    }


def families(site: Site) -> QuerySet[Family]:
    return site.dna_families.order_by("id")


def family_rows(site: Site) -> list[dict[str, Any]]:
    """One row per family: members, missing persons and typed relatives."""
    out = []
    for family in families(site):
        people = pedigree_individuals(family)
        out.append(
            {
                "id": family.pk,
                "name": family.name,
                "members": len(people),
                "missing": sum(p.missing for p in people),
                "typed": sum(p.typed and not p.missing for p in people),
            }
        )
    return out


def get_family(pk: int) -> Family:
    try:
        return Family.objects.select_related("site").get(pk=pk)
    except Family.DoesNotExist:
        raise NotFoundError(_("no family with id %(pk)s") % {"pk": pk}, field="family") from None


def family_record(family: Family) -> dict[str, Any]:
    """A family's members, with what each stated and whether they are typed."""
    typed = _typed_members(family)
    members = []
    for m in family.members.select_related("father", "mother", "relative_of"):
        members.append(
            {
                "label": m.label,
                "sex": m.sex,
                "father": m.father.label if m.father else None,
                "mother": m.mother.label if m.mother else None,
                "missing_person": m.missing_person_id,
                "relationship": m.relationship,
                "side": m.side,
                "relative_of": m.relative_of_id,
                "name": m.name,
                "typed": m.pk in typed,
                "samples": list(m.samples.values_list("barcode", flat=True)),
            }
        )
    return {
        "id": family.pk,
        "name": family.name,
        "site": family.site.slug if family.site else None,
        "members": members,
    }


def pedigree_individuals(family: Family) -> list[Individual]:
    """The family as the drawing needs it (members in recorded order)."""
    members = list(family.members.all())
    index = {m.pk: i for i, m in enumerate(members)}
    typed = _typed_members(family)
    return [
        Individual(
            label=m.label,
            sex=m.sex,
            father=index.get(m.father_id) if m.father_id else None,
            mother=index.get(m.mother_id) if m.mother_id else None,
            typed=m.pk in typed,
            missing=m.missing_person_id is not None,
        )
        for m in members
    ]


def _typed_members(family: Family) -> set[int]:
    return set(
        Profile.objects.filter(
            sample__donor__family=family, counts=True, is_mixture=False
        ).values_list("sample__donor_id", flat=True)
    )


def _source(sample: Sample) -> str:
    if sample.remains is not None:
        return f"remains {sample.remains.case_number}"
    donor: PedigreeMember | None = sample.donor
    if donor is None:
        return ""
    return f"family {donor.family.name}, {donor.label}"


# -- consent (family liaison: no genotype, no profile) ------------------------------------------


def reference_samples(site: Site) -> QuerySet[Sample]:
    """The reference samples of a site's families (relatives' samples, personal effects)."""
    return (
        Sample.objects.filter(donor__family__site=site)
        .select_related("donor__family", "donor__relative_of", "donor__missing_person")
        .order_by("donor__family_id", "id")
    )


def consent_rows(site: Site) -> list[dict[str, Any]]:
    """One row per reference sample of the site: donor, family and the consent in force."""
    rows = list(reference_samples(site))
    latest: dict[int, Consent] = {}
    for consent in Consent.objects.filter(sample__in=[s.pk for s in rows]).order_by(
        "recorded_at", "id"
    ):
        latest[consent.sample_id] = consent
    return [{**_reference(s), **_consent(latest.get(s.pk))} for s in rows]


def get_reference_sample(barcode: str) -> Sample:
    """A reference sample by barcode, or NotFoundError (a sample of remains is none)."""
    sample = get_sample(barcode)
    if sample.donor_id is None:
        raise NotFoundError(
            _("sample %(barcode)s is not a family's reference sample") % {"barcode": repr(barcode)},
            field="barcode",
        )
    return sample


def consent_record(sample: Sample) -> dict[str, Any]:
    """A reference sample's consent in force and its whole history (oldest first)."""
    history = [_consent(c) for c in sample.consents.order_by("recorded_at", "id")]
    return {
        **_reference(sample),
        "consent": history[-1] if history else _consent(None),
        "history": history,
        "default_scope": DEFAULT_SCOPE.value,
    }


def _reference(sample: Sample) -> dict[str, Any]:
    donor: PedigreeMember = sample.donor  # type: ignore[assignment]
    person = donor.missing_person or donor.relative_of
    return {
        "barcode": sample.barcode,
        "kind": sample.kind,
        "kind_label": sample.get_kind_display(),
        "collected_on": sample.collected_on,
        "family": donor.family.name,
        "family_id": donor.family_id,
        "site": donor.family.site.slug if donor.family.site else None,
        "donor": donor.name or donor.label,
        "relationship": donor.relationship or ("missing" if donor.missing_person_id else ""),
        "relationship_label": str(donor.get_relationship_display()) if donor.relationship else "",
        "missing_person": str(person) if person else "",
    }


def _consent(consent: Consent | None) -> dict[str, Any]:
    if consent is None:
        return {"scope": None, "retention": None, "given_on": None, "given_by": "",
                "recorded_by": "", "recorded_at": None, "reason": "",
                "scope_label": str(NOT_RECORDED), "retention_label": ""}  # fmt: skip
    return {
        "scope": consent.scope,
        "scope_label": str(consent.get_scope_display()),
        "retention": consent.retention,
        "retention_label": str(consent.get_retention_display()),
        "given_on": consent.given_on,
        "given_by": consent.given_by,
        "recorded_by": consent.recorded_by,
        "recorded_at": consent.recorded_at.isoformat(),
        "reason": consent.reason,
    }
