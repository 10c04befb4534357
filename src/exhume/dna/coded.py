"""What the DNA laboratory sees of the DNA records: genotypes and profiles under coded ids.

By good practice the laboratory works blind (ICMP): a sample appears as a keyed code
(:func:`exhume.access.coding.code_for`), never as its barcode (which may carry a case number);
a sample of remains names the remains by their code (the one on the coded remains pages), a
relative's sample names a coded family and the member's label in the pedigree. No name,
contact, case number, missing-person report, collector, place or custody note.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from exhume.access.coding import code_for
from exhume.access.policy import Data, Level, level_of
from exhume.casework.models import Site
from exhume.dna import custody, queries
from exhume.dna.consent import DEFAULT_SCOPE, Scope
from exhume.dna.consent_actions import current
from exhume.dna.models import Family, Sample
from exhume.errors import NotFoundError


def is_coded(user: Any) -> bool:
    """Whether ``user`` (the laboratory: the access policy's coded level for genetic data)
    sees DNA records coded, as in this module."""
    return level_of(user, Data.GENETIC) is Level.CODED


def sample_code(sample_id: int) -> str:
    return code_for("dna.sample", sample_id)


def family_code(family_id: int) -> str:
    return code_for("dna.family", family_id)


def source(sample: Sample) -> str:
    """The remains' code, or the coded family and the member's label."""
    if sample.remains_id is not None:
        return code_for("casework.remains", sample.remains_id)
    if sample.donor is not None:
        return f"{family_code(sample.donor.family_id)} / {sample.donor.label}"
    return ""


def sample_rows(site: Site) -> list[dict[str, Any]]:
    """One coded row per sample of the site."""
    rows = list(queries.samples(site))
    states, profiles = queries.custody_and_profiles(rows)
    return [
        {"code": sample_code(s.pk), "kind": s.kind, "source": source(s),
         "custody_state": states[s.pk], "profiles": profiles.get(s.pk, 0)}
        for s in rows
    ]  # fmt: skip


def get_sample(code: str) -> Sample:
    """The sample with this code (a code is a keyed hash: each sample's is computed)."""
    for pk in Sample.objects.values_list("id", flat=True).iterator():
        if sample_code(pk) == code:
            return Sample.objects.select_related("remains__site", "donor__family__site").get(pk=pk)
    raise NotFoundError(_("no sample with code %(code)s") % {"code": repr(code)}, field="code")


def sample_record(sample: Sample) -> dict[str, Any]:
    """A coded sample: its custody steps (dates only) and its profiles with their genotypes."""
    steps = list(sample.custody.order_by("at", "id"))
    consent = current(sample) if sample.donor_id is not None else None
    scope = (consent.scope if consent else DEFAULT_SCOPE.value) if sample.donor_id else None
    return {
        "code": sample_code(sample.pk),
        "kind": sample.kind,
        "source": source(sample),
        # a reference's use as its family consented (no consent recorded: this case only)
        "consent_scope": scope,
        "consent_scope_label": str(Scope(scope).label) if scope else "",
        "custody": [{"step": e.step, "at": e.at.isoformat()} for e in steps],
        "custody_state": custody.state([e.step for e in steps]),
        "profiles": [
            {**queries.profile_record(p), "analyst": ""} for p in sample.profiles.order_by("id")
        ],
    }


def site_of(sample: Sample) -> Site | None:
    if sample.remains is not None:
        return sample.remains.site
    return sample.donor.family.site if sample.donor is not None else None


def family_rows(site: Site) -> list[dict[str, Any]]:
    """One coded row per family: members, missing persons and typed relatives."""
    return [
        {**{k: v for k, v in row.items() if k != "name"}, "code": family_code(row["id"])}
        for row in queries.family_rows(site)
    ]


def family_record(family: Family) -> dict[str, Any]:
    """A coded pedigree: labels, sexes, parents, stated relationships, typed or not, and the
    coded samples; no name, contact or missing-person report."""
    record = queries.family_record(family)
    codes = {b: sample_code(pk) for pk, b in Sample.objects.filter(
        donor__family=family).values_list("id", "barcode")}  # fmt: skip
    members = [
        {"label": m["label"], "sex": m["sex"], "father": m["father"], "mother": m["mother"],
         "missing": m["missing_person"] is not None, "relationship": m["relationship"],
         "side": m["side"], "typed": m["typed"], "samples": [codes[b] for b in m["samples"]]}
        for m in record["members"]
    ]  # fmt: skip
    return {"id": family.pk, "code": family_code(family.pk), "site": record["site"],
            "members": members}  # fmt: skip
