"""Every change of state to DNA records: samples, custody, profiles, frequency databases and
kinship parameters. Pedigree writes are in :mod:`exhume.dna.pedigree_actions`.

Each ``do_*`` function validates, writes in one transaction and appends its log entries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from exhume.audit.bulk import create_many
from exhume.audit.events import Actor
from exhume.audit.writes import correct, create
from exhume.casework.models import Remains, Site
from exhume.dna import custody
from exhume.dna.frequencies import FrequencyRow, minimum_frequency
from exhume.dna.genotypes import BUILTIN_MARKERS, SEX_MARKER, normalise_genotype
from exhume.dna.models import (
    AlleleFrequency,
    CustodyEvent,
    FrequencyDatabase,
    KinshipParameters,
    PedigreeMember,
    Profile,
    Sample,
    SampleKind,
)
from exhume.dna.transactions import durable
from exhume.errors import InvalidInputError

FROM_REMAINS = frozenset({SampleKind.BONE, SampleKind.TOOTH, SampleKind.TISSUE, SampleKind.NAIL})
FROM_RELATIVE = frozenset({SampleKind.BUCCAL_SWAB, SampleKind.BLOOD_CARD})


# -- frequency databases and parameters --------------------------------------------------------


def import_frequencies(
    actor: Actor, *, name: str, population: str, rows: Sequence[FrequencyRow], source: str = ""
) -> FrequencyDatabase:
    """Store a frequency database (one record, logged with the SHA-256 of its rows) and its
    alleles in the given order (each logged)."""
    digest = hashlib.sha256(
        "".join(
            f"{population},{r.marker},{r.allele},{r.frequency!r},{'' if r.n is None else r.n}\n"
            for r in rows
        ).encode()
    ).hexdigest()
    db = create(
        FrequencyDatabase,
        actor,
        {"name": name, "population": population, "source": source, "content_sha256": digest},
    )
    alleles = [
        AlleleFrequency(
            database=db,
            marker=r.marker,
            allele=r.allele,
            frequency=r.frequency,
            n=r.n,
            position=i,
        )
        for i, r in enumerate(rows)
    ]
    create_many(alleles, actor)
    return db


def set_kinship_parameters(
    actor: Actor,
    *,
    site: Site,
    frequency_database: FrequencyDatabase,
    markers: Sequence[str] | None = None,
    mutation: Mapping[str, Any] | None = None,
    pairings: Mapping[str, Any] | None = None,
    dataset: str = "",
) -> KinshipParameters:
    """Choose a site's frequency database, marker order and mutation models (per marker, the
    dvi-json mutation object: the builder's name and parameters and the two matrices)."""
    known = list(dict.fromkeys(frequency_database.alleles.values_list("marker", flat=True)))
    order = list(markers) if markers is not None else known
    absent = [m for m in order if m not in known]
    if absent:
        raise InvalidInputError(
            _("marker '%(absent)s' is not in the frequency database '%(name)s'")
            % {"absent": absent[0], "name": frequency_database.name},
            field="markers",
        )
    unknown = sorted(set(mutation or {}) - set(order))
    if unknown:
        raise InvalidInputError(
            _("a mutation model for unknown marker '%(unknown)s'") % {"unknown": unknown[0]},
            field="mutation",
        )
    fields = {
        "site": site,
        "frequency_database": frequency_database,
        "markers": order,
        "mutation": dict(mutation or {}),
        "pairings": pairings,
        "dataset": dataset,
    }
    return create(KinshipParameters, actor, fields)


# -- samples and custody -----------------------------------------------------------------------


def take_sample(
    actor: Actor,
    *,
    barcode: str,
    kind: str,
    collected_by: str,
    collected_on: dt.date,
    remains: Remains | None = None,
    donor: PedigreeMember | None = None,
    **fields: Any,
) -> Sample:
    """Register a sample taken from remains, from a relative, or from a personal effect of a
    missing person (``donor`` is then that missing person's pedigree member)."""
    values = {
        "barcode": barcode.strip(),
        "kind": kind,
        "remains": remains,
        "donor": donor,
        "collected_by": collected_by,
        "collected_on": collected_on,
        **fields,
    }
    return create(Sample, actor, values, check=check_sample)


def check_sample(sample: Sample) -> None:
    """A sample comes from exactly one source, and its kind fits that source."""
    kind, remains, donor = sample.kind, sample.remains, sample.donor
    if (remains is None) == (donor is None):
        raise InvalidInputError(
            _("sample '%(barcode)s': give either the remains or the donor, not both or none")
            % {"barcode": sample.barcode},
            field="remains",
        )
    if kind in FROM_REMAINS and remains is None:
        raise InvalidInputError(
            _("a %(kind)s sample comes from remains") % {"kind": kind}, field="kind"
        )
    if kind in FROM_RELATIVE and (donor is None or donor.missing_person_id is not None):
        raise InvalidInputError(
            _("a %(kind)s comes from a living relative, not a missing person")
            % {"kind": kind.replace("_", " ")},
            field="donor",
        )
    if kind == SampleKind.PERSONAL_EFFECT and (donor is None or donor.missing_person_id is None):
        raise InvalidInputError(
            _("a personal effect is a direct reference: its donor is the missing person"),
            field="donor",
        )
    if Sample.objects.filter(barcode=sample.barcode).exclude(pk=sample.pk).exists():
        raise InvalidInputError(
            _("barcode '%(barcode)s' is already used by another sample")
            % {"barcode": sample.barcode},
            field="barcode",
        )


def record_custody(
    actor: Actor, *, sample: Sample, step: str, at: dt.datetime, by: str, **fields: Any
) -> CustodyEvent:
    """Record one movement of a sample; refused when the chain does not allow the step or the
    time runs backwards."""
    Sample.objects.select_for_update().get(pk=sample.pk)
    chain = list(sample.custody.order_by("at", "id").values_list("step", "at"))
    custody.check_next(sample.barcode, [s for s, _ in chain], step)
    last = chain[-1][1] if chain else None
    if last is not None and at < last:
        raise InvalidInputError(
            _("sample '%(barcode)s': '%(step)s' at %(at)s is before the previous step (%(last)s)")
            % {
                "barcode": sample.barcode,
                "step": step,
                "at": at.isoformat(),
                "last": last.isoformat(),
            },
            field="at",
        )
    if at.date() < sample.collected_on:
        raise InvalidInputError(
            _("sample '%(barcode)s': '%(step)s' is before the sample was collected")
            % {"barcode": sample.barcode, "step": step},
            field="at",
        )
    if step == "stored" and not fields.get("location", "").strip():
        raise InvalidInputError(_("say where the sample is stored"), field="location")
    values = {"sample": sample, "step": step, "at": at, "by": by, **fields}
    return create(CustodyEvent, actor, values)


# -- profiles ----------------------------------------------------------------------------------


def record_profile(
    actor: Actor,
    *,
    sample: Sample,
    genotype: Mapping[str, Sequence[str | None]],
    lab: str,
    mixture: bool = False,
    counts: bool | None = None,
    **fields: Any,
) -> Profile:
    """Record a profile typed from a sample.

    Marker names are normalised and must be known (the site's frequency database, else the
    built-in list); more than two alleles at a marker are refused unless ``mixture`` is set,
    which stores the profile flagged unusable for kinship (it never counts). An allele absent
    from the site's frequency database gets the minimum frequency (logged). ``counts=None``
    makes the first usable profile of a sample count; a later one counts only when chosen.
    """
    Sample.objects.select_for_update().get(pk=sample.pk)
    params = parameters_of(sample)
    calls, is_mixture = _checked_genotype(sample, genotype, params, mixture)
    counting = sample.profiles.filter(counts=True).first()
    if counts and counting is not None:
        raise InvalidInputError(
            _(
                "sample '%(barcode)s' already has a counting profile (%(pk)s); record this one "
                "without counts, then choose it"
            )
            % {"barcode": sample.barcode, "pk": counting.pk},
            field="counts",
        )
    wants = (counting is None) if counts is None else counts
    values = {
        "sample": sample,
        "genotype": calls,
        "lab": lab,
        "is_mixture": is_mixture,
        "counts": wants and not is_mixture,
        **fields,
    }
    profile = create(Profile, actor, values)
    if params is not None and not is_mixture:
        add_minimum_frequencies(actor, params.frequency_database, [calls])
    return profile


def choose_profile(actor: Actor, profile: Profile, *, reason: str, authority: str) -> Profile:
    """Make ``profile`` the one that counts for its sample (the previous one stops counting)."""
    if profile.is_mixture:
        raise InvalidInputError(_("a mixture cannot count for kinship"), field="counts")
    for other in profile.sample.profiles.filter(counts=True).exclude(pk=profile.pk):
        correct(other, actor, {"counts": False}, reason=reason, authority=authority)
    return correct(profile, actor, {"counts": True}, reason=reason, authority=authority)


def parameters_of(sample: Sample) -> KinshipParameters | None:
    """The kinship parameters of the site the sample belongs to, if the site has chosen some."""
    if sample.remains is not None:
        site_id: int | None = sample.remains.site_id
    else:
        site_id = sample.donor.family.site_id if sample.donor is not None else None
    if site_id is None:
        return None
    return (
        KinshipParameters.objects.select_related("frequency_database")
        .filter(site_id=site_id)
        .first()
    )


def _checked_genotype(
    sample: Sample,
    raw: Mapping[str, Sequence[str | None]],
    params: KinshipParameters | None,
    mixture: bool,
) -> tuple[dict[str, list[str]], bool]:
    steps = list(sample.custody.order_by("at", "id").values_list("step", flat=True))
    if not custody.usable(steps):
        raise InvalidInputError(
            _(
                "sample '%(barcode)s' was %(custody)s (custody step %(steps)s); a profile "
                "cannot be recorded from it after that step"
            )
            % {"barcode": sample.barcode, "custody": custody.state(steps), "steps": len(steps)},
            field="sample",
        )
    known = BUILTIN_MARKERS | set(params.markers if params is not None else ())
    calls, is_mixture = normalise_genotype(raw, known)
    if is_mixture and not mixture:
        marker = next(m for m, a in calls.items() if len(a) > 2)
        raise InvalidInputError(
            _(
                "sample '%(barcode)s', marker '%(marker)s': three or more alleles (%(calls)s); "
                "record it as a mixture (unusable for kinship)"
            )
            % {"barcode": sample.barcode, "marker": marker, "calls": ", ".join(calls[marker])},
            field="genotype",
        )
    return calls, is_mixture


def add_minimum_frequencies(
    actor: Actor, db: FrequencyDatabase, genotypes: Sequence[Mapping[str, Sequence[str]]]
) -> list[AlleleFrequency]:
    """Add every allele of ``genotypes`` absent from ``db`` with the minimum frequency of
    :func:`exhume.dna.frequencies.minimum_frequency` (each logged, its rule stored)."""
    seen = {m for g in genotypes for m in g if m != SEX_MARKER}
    table: dict[str, list[tuple[str, float, int | None, int]]] = {}
    for marker, allele, freq, n, pos in db.alleles.filter(marker__in=seen).values_list(
        "marker", "allele", "frequency", "n", "position"
    ):
        table.setdefault(marker, []).append((allele, freq, n, pos))
    last = db.alleles.order_by("-position").values_list("position", flat=True).first() or 0
    added: list[AlleleFrequency] = []
    for genotype in genotypes:
        for marker, alleles in genotype.items():
            rows = table.get(marker)
            if marker == SEX_MARKER or not rows:
                continue
            for allele in alleles:
                if any(a == allele for a, *_ in rows):
                    continue
                freq, rule = minimum_frequency(rows[0][2], [f for _, f, *_ in rows])
                last += 1
                added.append(
                    AlleleFrequency(
                        database=db,
                        marker=marker,
                        allele=allele,
                        frequency=freq,
                        n=rows[0][2],
                        position=last,
                        minimum_rule=rule,
                    )
                )
                rows.append((allele, freq, rows[0][2], last))
    return create_many(added, actor)


do_import_frequencies = durable(import_frequencies)
do_set_kinship_parameters = durable(set_kinship_parameters)
do_take_sample = durable(take_sample)
do_record_custody = durable(record_custody)
do_record_profile = durable(record_profile)
do_choose_profile = durable(choose_profile)
