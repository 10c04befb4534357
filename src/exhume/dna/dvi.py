"""A whole DVI case in the dvi-json format (``../shared/data/dvi-examples/README.md``) as case
records, and back.

:func:`do_import_dvi` reads a file (validated by :func:`exhume.kinship.dvijson.load_problem`
before anything is written) into a site, in one transaction:

* each victim becomes remains (case number = victim id) with a bone sample and its profile;
* each family becomes a pedigree recorded exactly (members in the file's order, untyped
  connectors included); each missing id becomes a missing-person report whose external
  reference is that id; each typed member gets a buccal-swab sample and its profile;
* markers and frequencies become a frequency database (allele order kept), and marker order,
  mutation models (the file's matrices, as stored) and candidate pairings become the site's
  kinship parameters.

:func:`export_dvi` writes a site back in the same format: the counting profile of each remains
record (victims), each family's pedigree and its relatives' counting profiles. Personal-effect
(direct) references have no place in dvi-json and are left out. Marker names are normalised as
lab imports normalise them (``vWA`` -> ``VWA``); no likelihood depends on a name.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from exhume import __version__
from exhume.audit.events import Actor
from exhume.audit.writes import create
from exhume.casework.actions import do_create_site, do_record_remains
from exhume.casework.models import Site
from exhume.dna.actions import (
    import_frequencies,
    record_profile,
    set_kinship_parameters,
    take_sample,
)
from exhume.dna.consent import Use, permits
from exhume.dna.frequencies import FrequencyRow, marker_frequencies
from exhume.dna.genotypes import marker_name
from exhume.dna.models import Consent, Family, KinshipParameters, Profile, Sample, SampleKind
from exhume.dna.pedigree_actions import MemberSpec, record_pedigree
from exhume.dna.transactions import durable
from exhume.errors import InvalidInputError, NotFoundError
from exhume.families.actions import do_report_missing_person
from exhume.families.models import MissingPerson
from exhume.kinship.dvijson import load_problem
from exhume.kinship.markers import MISSING
from exhume.kinship.problem import DviProblem

SEX_NAME = {0: "undetermined", 1: "male", 2: "female"}
SEX_CODE = {name: code for code, name in SEX_NAME.items()}
IMPORTER = "dvi-json import"


@dataclass(frozen=True)
class DviImport:
    """What :func:`do_import_dvi` wrote."""

    site: str
    dataset: str
    remains: int
    families: int
    missing_persons: int
    references: int
    markers: int


def import_dvi(actor: Actor, path: Path, *, slug: str, on: dt.date | None = None) -> DviImport:
    """Read ``path`` (dvi-json) into site ``slug`` (created when absent; an existing site must
    hold no kinship parameters yet). ``on`` is the date recorded as exhumation and collection
    date (the file has none; default today)."""
    problem = load_problem(path)
    raw = json.loads(Path(path).read_bytes())
    day = on or dt.date.today()
    names = _marker_names(problem)
    site = _site(actor, slug, raw)
    db = import_frequencies(
        actor,
        name=f"{slug}: {problem.dataset or Path(path).stem}",
        population=problem.dataset or Path(path).stem,
        rows=[
            FrequencyRow(names[m.name], a, float(f), None)
            for m in problem.markers
            for a, f in zip(m.alleles, m.afreq, strict=True)
        ],
        source=f"{Path(path).name} (sha256 {problem.source_sha256})",
    )
    mutation = {names[m["name"]]: m["mutation"] for m in raw["markers"] if m.get("mutation")}
    set_kinship_parameters(
        actor,
        site=site,
        frequency_database=db,
        markers=[names[m.name] for m in problem.markers],
        mutation=mutation,
        pairings=raw.get("pairings"),
        dataset=problem.dataset,
    )
    for victim in problem.victims:
        remains = do_record_remains(
            actor, site=site, case_number=victim.id, exhumed_on=day, sex=SEX_NAME[victim.sex]
        )
        sample = take_sample(
            actor,
            barcode=f"{slug}-{victim.id}",
            kind=SampleKind.BONE,
            remains=remains,
            collected_by=IMPORTER,
            collected_on=day,
        )
        _profile(actor, sample, problem, names, victim.genotypes)
    references = 0
    for fam in problem.families:
        family = create(Family, actor, {"site": site, "name": fam.id})
        ped = fam.pedigree
        specs = []
        for i, ident in enumerate(ped.ids):
            person = None
            if ident in fam.missing:
                person = do_report_missing_person(
                    actor,
                    family_name=f"family {fam.id}",
                    sex=SEX_NAME[int(ped.sex[i])],
                    external_reference=ident,
                )
            f, m = int(ped.fidx[i]), int(ped.midx[i])
            specs.append(
                MemberSpec(
                    ident,
                    SEX_NAME[int(ped.sex[i])],
                    ped.ids[f - 1] if f else None,
                    ped.ids[m - 1] if m else None,
                    person,
                )
            )
        members = record_pedigree(actor, family=family, members=specs)
        for i, member in enumerate(members):
            if (fam.genotypes[i] == MISSING).all() and member.label not in fam.references:
                continue
            sample = take_sample(
                actor,
                barcode=f"{slug}-{fam.id}-{member.label}",
                kind=SampleKind.BUCCAL_SWAB,
                donor=member,
                collected_by=IMPORTER,
                collected_on=day,
            )
            _profile(actor, sample, problem, names, fam.genotypes[i])
            references += 1
    return DviImport(
        site=slug,
        dataset=problem.dataset,
        remains=len(problem.victims),
        families=len(problem.families),
        missing_persons=len(problem.missing),
        references=references,
        markers=len(problem.markers),
    )


do_import_dvi = durable(import_dvi)


@dataclass(frozen=True)
class DviExport:
    """A site's DNA case for a use: the dvi-json document, which missing-person report each
    (family in the document, pedigree label) of a missing member stands for, and how many
    typed references the families' consent left out."""

    document: dict[str, Any]
    missing: dict[tuple[str, str], MissingPerson]
    withheld: int


def export_dvi(site: Site, *, use: str = Use.CASE) -> dict[str, Any]:
    """The site's DNA case as a dvi-json document (see :func:`export_case`)."""
    return export_case(site, use=use).document


def export_case(site: Site, *, use: str = Use.CASE) -> DviExport:
    """The site's DNA case as a dvi-json document, honouring each reference's consent
    (:mod:`exhume.dna.consent`): the site's own families with the references whose consent
    permits use in their case (or ``use``, for an international file); for a national or
    international search, also the families of other sites (named ``site/family``) with the
    references whose consent permits ``use``. A withdrawn consent permits nothing."""
    try:
        params = KinshipParameters.objects.select_related("frequency_database").get(site=site)
    except KinshipParameters.DoesNotExist:
        raise NotFoundError(
            _("site '%(slug)s' has no kinship parameters (frequency database, markers)")
            % {"slug": site.slug},
            field="site",
        ) from None
    markers = _export_markers(params)
    order = [m["name"] for m in markers]
    victims: list[dict[str, Any]] = []
    for remains in site.remains.order_by("id"):
        profile = _counting(Profile.objects.filter(sample__remains=remains))
        if profile is not None:
            victims.append(
                {
                    "id": remains.case_number,
                    "sex": SEX_CODE[remains.sex],
                    "genotypes": _pairs(profile.genotype, order),
                }
            )
    own: str = Use.INTERNATIONAL if use == Use.INTERNATIONAL else Use.CASE
    searched: list[tuple[Family, str, str]] = [
        (f, f.name, own) for f in site.dna_families.order_by("id")
    ]
    if use != Use.CASE:
        others = Family.objects.exclude(site=site).select_related("site").order_by("id")
        searched += [(f, f"{f.site.slug if f.site else 'national'}/{f.name}", use) for f in others]
    families, missing, references, withheld = [], [], [], 0
    persons: dict[tuple[str, str], MissingPerson] = {}
    scopes = consent_scopes([f for f, _name, _use in searched])
    for family, name, needed in searched:
        part = _export_family(family, name, order, needed, scopes)
        withheld += part.withheld
        if family.site_id != site.pk and not part.references:
            continue  # another case's family with no reference it may be compared with
        families.append(part.doc)
        missing += part.missing
        references += part.references
        persons.update({(name, label): p for label, p in part.persons.items()})
    stored = params.pairings if use == Use.CASE else None
    document = {
        "format": "dvi-json v1 (see README.md)",
        "dataset": params.dataset or site.slug,
        "title": site.name,
        "source": {"package": "exhume", "version": __version__, "site": site.slug},
        "markers": markers,
        "pm": victims,
        "am": families,
        "missing": missing,
        "references": references,
        "pairings": _pairings(stored, {str(v["id"]) for v in victims}, set(missing)),
        "marker_overrides": None,
    }
    return DviExport(document, persons, withheld)


# -- pieces ------------------------------------------------------------------------------------


def _marker_names(problem: DviProblem) -> dict[str, str]:
    names = {m.name: marker_name(m.name) for m in problem.markers}
    if len(set(names.values())) != len(names):
        raise InvalidInputError(_("two markers of the file have the same normalised name"))
    return names


def _site(actor: Actor, slug: str, raw: Mapping[str, Any]) -> Site:
    site = Site.objects.filter(slug=slug).first()
    if site is None:
        title = str(raw.get("title") or raw.get("dataset") or slug)[:200]
        return do_create_site(actor, name=title, slug=slug, place="imported (dvi-json)")
    if KinshipParameters.objects.filter(site=site).exists():
        raise InvalidInputError(
            _("site '%(slug)s' already holds a DNA case; import into a new site") % {"slug": slug},
            field="site",
        )
    return site


def _profile(
    actor: Actor, sample: Any, problem: DviProblem, names: Mapping[str, str], genos: Any
) -> Profile:
    genotype: dict[str, list[str | None]] = {}
    for k, marker in enumerate(problem.markers):
        pair = [marker.alleles[a] if a != MISSING else None for a in genos[k]]
        if any(pair):
            genotype[names[marker.name]] = pair
    return record_profile(
        actor, sample=sample, genotype=genotype, lab=IMPORTER, kit=problem.dataset
    )


def _export_markers(params: KinshipParameters) -> list[dict[str, Any]]:
    rows: dict[str, list[tuple[str, float, bool]]] = {}
    for marker, allele, freq, rule in params.frequency_database.alleles.filter(
        marker__in=params.markers
    ).values_list("marker", "allele", "frequency", "minimum_rule"):
        rows.setdefault(marker, []).append((allele, freq, bool(rule)))
    out = []
    for name in params.markers:
        alleles = rows[name]
        added = any(a[2] for a in alleles)
        mutation = params.mutation.get(name)
        if added and mutation:
            raise InvalidInputError(
                _(
                    "marker '%(name)s': alleles were added by the minimum-frequency rule, so "
                    "its stored mutation matrices no longer fit; set its mutation model again"
                )
                % {"name": name},
                field="mutation",
            )
        out.append(
            {
                "name": name,
                "chrom": None,
                "posMb": None,
                "alleles": [a[0] for a in alleles],
                "afreq": marker_frequencies([a[1] for a in alleles], added),
                "mutation": mutation,
            }
        )
    return out


@dataclass(frozen=True)
class _FamilyPart:
    doc: dict[str, Any]
    missing: list[str]
    references: list[str]
    persons: dict[str, MissingPerson]
    withheld: int


def _export_family(
    family: Family,
    name: str,
    order: Sequence[str],
    use: str,
    scopes: Mapping[int, Mapping[int, str | None]],
) -> _FamilyPart:
    members = list(family.members.select_related("father", "mother", "missing_person"))
    pedigree, genotypes, missing, refs, withheld = [], {}, [], [], 0
    persons: dict[str, MissingPerson] = {}
    for m in members:
        pedigree.append(
            {
                "id": m.label,
                "fid": m.father.label if m.father else None,
                "mid": m.mother.label if m.mother else None,
                "sex": SEX_CODE[m.sex],
            }
        )
        if m.missing_person is not None:
            missing.append(m.label)
            persons[m.label] = m.missing_person
            continue
        profiles = Profile.objects.filter(sample__donor=m)
        allowed = [s for s, scope in scopes.get(m.pk, {}).items() if permits(scope, use)]
        profile = _counting(profiles.filter(sample_id__in=allowed))
        if profile is not None:
            genotypes[m.label] = _pairs(profile.genotype, order)
            refs.append(m.label)
        elif _counting(profiles) is not None:
            withheld += 1
    doc = {
        "family": name,
        "pedigree": pedigree,
        "genotypes": genotypes,
        "founderInbreeding": None,
    }
    return _FamilyPart(doc, missing, refs, persons, withheld)


def consent_scopes(families: Sequence[Family]) -> dict[int, dict[int, str | None]]:
    """Per member of ``families`` (id), the consent in force of each of their samples (sample
    id -> scope; ``None``: no consent recorded). Two queries, however many families."""
    ids = [f.pk for f in families]
    out: dict[int, dict[int, str | None]] = {}
    for sample_id, donor_id in Sample.objects.filter(donor__family__in=ids).values_list(
        "id", "donor_id"
    ):
        out.setdefault(donor_id, {})[sample_id] = None
    rows = Consent.objects.filter(sample__donor__family__in=ids).order_by("recorded_at", "id")
    for sample_id, donor_id, scope in rows.values_list("sample_id", "sample__donor_id", "scope"):
        out[donor_id][sample_id] = scope  # the latest statement wins
    return out


def _counting(profiles: Any) -> Profile | None:
    return profiles.filter(counts=True, is_mixture=False).order_by("sample_id", "id").first()  # type: ignore[no-any-return]


def _pairs(
    genotype: Mapping[str, Sequence[str]], order: Sequence[str]
) -> dict[str, list[str | None]]:
    out: dict[str, list[str | None]] = {}
    for name in order:
        alleles = genotype.get(name)
        if alleles:
            out[name] = [alleles[0], alleles[1] if len(alleles) > 1 else None]
    return out


def _pairings(stored: Any, victims: set[str], missing: set[str]) -> dict[str, list[str]] | None:
    """The stored candidate pairings while they still name only present victims and missing
    persons; otherwise ``None`` (every sex-consistent pairing)."""
    if not isinstance(stored, dict):
        return None
    allowed = missing | {"*"}
    if set(stored) <= victims and all(set(c) <= allowed for c in stored.values()):
        return {v: list(c) for v, c in stored.items()}
    return None
