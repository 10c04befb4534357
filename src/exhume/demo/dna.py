"""Synthetic DNA for the Izium demo: families, relatives, samples, custody and profiles.

About 60% of the dead have a family that reported them (families do not all report), plus a
few reported persons who are not in this grave. Each family has 1-4 typed relatives, mostly two
(the two-relative rule), placed by the same relationship statements staff would enter
(:class:`exhume.dna.relationships.PedigreeBuilder`); some families lost two people together (a
husband and wife, a father and son); one family's stated father is not the biological father;
some missing persons have a personal effect typed as a direct reference. Genotypes are dropped
through each pedigree from a synthetic 23-marker frequency table; every body and body part has a
bone profile (a quarter of them partial), one unassociated body part carries the DNA of a body,
and every sample has a chain of custody. All of it is written with bulk actions (one log entry
per record) and labelled synthetic.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from exhume.audit.bulk import create_many
from exhume.audit.events import Actor
from exhume.casework.models import BurialJournalEntry, Remains, Site
from exhume.demo.names import full_name
from exhume.demo.scenario import SYNTHETIC as SCENARIO_NOTE
from exhume.dna import custody
from exhume.dna.actions import import_frequencies, set_kinship_parameters
from exhume.dna.frequencies import FrequencyRow
from exhume.dna.models import Consent, CustodyEvent, Family, PedigreeMember, Profile, Sample
from exhume.dna.relationships import PedigreeBuilder, Person, Statement
from exhume.families.models import MissingPerson
from exhume.kinship.frequencies import synthetic_frequency_table
from exhume.kinship.markers import Marker

SYNTHETIC = "synthetic demonstration data"
LAB, KIT = "Synthetic DNA laboratory (demo)", "synthetic 23-STR kit"
Genotype = dict[str, list[str]]
Tick = Callable[[str, int, int], None]

#: (weight, statements): label, sex ("any", "other" = opposite of the missing person),
#: relationship, side, other parent, is a second missing person.
S = tuple[str, str, str, str, str | None, bool]
SHAPES: list[tuple[float, list[S]]] = [
    (0.08, [("C1", "any", "child", "", None, False)]),
    (0.07, [("S1", "any", "full_sibling", "", None, False)]),
    (0.16, [("F", "male", "father", "", None, False), ("Mo", "female", "mother", "", None, False)]),
    (0.14, [("S1", "any", "full_sibling", "", None, False),
            ("S2", "any", "full_sibling", "", None, False)]),
    (0.10, [("Mo", "female", "mother", "", None, False),
            ("S1", "any", "full_sibling", "", None, False)]),
    (0.07, [("F", "male", "father", "", None, False),
            ("H1", "any", "half_sibling", "father", None, False)]),
    (0.08, [("W", "other", "spouse", "", None, False), ("C1", "any", "child", "", "W", False)]),
    (0.10, [("W", "other", "spouse", "", None, False), ("C1", "any", "child", "", "W", False),
            ("C2", "any", "child", "", "W", False)]),
    (0.10, [("G1", "male", "grandparent", "mother", None, False),
            ("G2", "female", "grandparent", "mother", None, False),
            ("A1", "any", "aunt_uncle", "mother", None, False)]),
    (0.10, [("F", "male", "father", "", None, False), ("Mo", "female", "mother", "", None, False),
            ("S1", "any", "full_sibling", "", None, False),
            ("S2", "any", "full_sibling", "", None, False)]),
]  # fmt: skip
COUPLE: list[S] = [("W", "female", "spouse", "", None, True),
                   ("C1", "any", "child", "", "W", False),
                   ("C2", "any", "child", "", "W", False)]  # fmt: skip
FATHER_SON: list[S] = [("W", "female", "spouse", "", None, False),
                       ("M2", "male", "child", "", "W", True),
                       ("C2", "any", "child", "", "W", False)]  # fmt: skip


@dataclass(frozen=True)
class DnaReport:
    families: int
    missing_persons: int
    typed_relatives: int
    samples: int
    custody_events: int
    profiles: int


@dataclass
class _Family:
    """One planned family: its pedigree, who is missing (and which body they are), who is typed."""

    name: str
    builder: PedigreeBuilder
    missing: dict[str, Remains | None]
    typed: list[str]
    genotypes: dict[str, Genotype]
    note: str = SYNTHETIC


def build_dna(
    actor: Actor,
    seed: int,
    site: Site,
    tick: Tick,
    names: Mapping[str, tuple[str, str, str]] | None = None,
) -> DnaReport:
    """Write the synthetic DNA of ``site`` (inside the demo's transaction). ``names`` (case
    number -> the name the journal wrote for that body) names the missing persons that are in
    the grave, so that the journal agrees with the DNA but for one grave (the journal is
    wrong there)."""
    rng = random.Random(seed * 7919 + 9)
    markers = synthetic_frequency_table().markers
    db = import_frequencies(
        actor, name="synthetic 23-STR (demo)", population="synthetic",
        rows=[FrequencyRow(m.name, a, float(f), None) for m in markers
              for a, f in zip(m.alleles, m.afreq, strict=True)],
        source="exhume.kinship.frequencies.synthetic_frequency_table (demo)",
    )  # fmt: skip
    set_kinship_parameters(actor, site=site, frequency_database=db, dataset="izium (synthetic)")
    bodies = list(Remains.objects.filter(site=site).order_by("id"))
    plans = _plan_families(rng, [b for b in bodies if b.kind == "body"])
    for plan in plans:
        _drop_genes(rng, markers, plan)
    _mislabel_a_father(rng, markers, plans)
    details = _Reports(random.Random(seed * 104729 + 3), site, dict(names or {}), plans)
    members = _write_pedigrees(actor, site, plans, rng, details)
    tick("DNA families", len(plans), len(plans))
    return _write_samples(actor, rng, markers, bodies, plans, members, tick)


# -- planning ---------------------------------------------------------------------------------


def _plan_families(rng: random.Random, persons: list[Remains]) -> list[_Family]:
    chosen = rng.sample(persons, k=round(0.6 * len(persons)))
    men = [b for b in chosen if b.sex == "male" and b.age_class == "adult"]
    women = [b for b in chosen if b.sex == "female" and b.age_class == "adult"]
    plans: list[_Family] = []
    used: set[int] = set()
    for k in range(14):  # husbands and wives killed together
        husband, wife = men[k], women[k]
        plans.append(_family(rng, len(plans), husband, COUPLE, second=wife))
        used |= {husband.pk, wife.pk}
    for k in range(14, 24):  # fathers and sons
        father, son = men[2 * k - 14], men[2 * k - 13]
        plans.append(_family(rng, len(plans), father, FATHER_SON, second=son))
        used |= {father.pk, son.pk}
    weights = [w for w, _ in SHAPES]
    for body in chosen:
        if body.pk in used:
            continue
        shape = SHAPES[3][1] if body.age_class == "child" else rng.choices(SHAPES, weights)[0][1]
        plans.append(_family(rng, len(plans), body, shape))
    for _ in range(round(0.1 * len(chosen))):  # reported, but not in this grave
        plans.append(_family(rng, len(plans), None, rng.choices(SHAPES, weights)[0][1]))
    return plans


def _family(
    rng: random.Random,
    n: int,
    body: Remains | None,
    shape: Sequence[S],
    second: Remains | None = None,
) -> _Family:
    sex = (
        body.sex
        if body is not None and body.sex != "undetermined"
        else rng.choice(["male", "female"])
    )
    builder = PedigreeBuilder({"MP": Person("MP", sex, connector=False)})
    missing: dict[str, Remains | None] = {"MP": body}
    typed: list[str] = []
    for label, want, relationship, side, other, is_missing in shape:
        rel_sex = {"any": rng.choice(["male", "female"]),
                   "other": "female" if sex == "male" else "male"}.get(want, want)  # fmt: skip
        if relationship == "child" and other is None and sex not in ("male", "female"):
            continue
        builder.place(Statement(label, rel_sex, relationship, "MP", side, other))
        if is_missing:
            missing[label] = second
        else:
            typed.append(label)
    return _Family(f"IZ-F{n + 1:03d}", builder, missing, typed, {})


def _drop_genes(rng: random.Random, markers: Sequence[Marker], plan: _Family) -> None:
    people = plan.builder.people
    done: dict[str, Genotype] = {}
    while len(done) < len(people):
        for label, p in people.items():
            if label in done or any(x is not None and x not in done for x in (p.father, p.mother)):
                continue
            if p.father is None or p.mother is None:
                done[label] = _random_genotype(rng, markers)
            else:
                done[label] = {
                    m.name: [rng.choice(done[p.father][m.name]), rng.choice(done[p.mother][m.name])]
                    for m in markers
                }
    plan.genotypes = done


def _random_genotype(rng: random.Random, markers: Sequence[Marker]) -> Genotype:
    return {m.name: rng.choices(m.alleles, [float(f) for f in m.afreq], k=2) for m in markers}


def _mislabel_a_father(rng: random.Random, markers: Sequence[Marker], plans: list[_Family]) -> None:
    plan = next(p for p in plans if "F" in p.typed and p.missing["MP"] is not None)
    plan.genotypes["F"] = _random_genotype(rng, markers)
    plan.note = f"{SYNTHETIC}: the stated father 'F' is not the biological father (mislabelled)"


# -- writing ----------------------------------------------------------------------------------


class _Reports:
    """What each family reported: the journal's name for a body in the grave (one grave's
    line names another reported person instead: the journal is wrong there), a birth year that
    fits the body's age, and last seen in or near Izium before the burial. Drawn from their own
    random stream, so the genotypes stay those of earlier demos."""

    def __init__(
        self,
        rng: random.Random,
        site: Site,
        names: dict[str, tuple[str, str, str]],
        plans: list[_Family],
    ) -> None:
        self.rng, self.names = rng, names
        lines = BurialJournalEntry.objects.filter(site=site, grave__isnull=False)
        self.buried = {line.grave_id: line.burial_date for line in lines}
        self.renamed: dict[tuple[str, str], tuple[str, str, str]] = {}
        wrong = next((p for p in plans if len(p.missing) == 1 and len(p.typed) >= 2
                      and p.note == SYNTHETIC and _named(p, names)), None)  # fmt: skip
        absent = next((p for p in plans if p.missing.get("MP", 0) is None), None)
        body = _body(wrong) if wrong is not None else None
        if wrong is None or absent is None or body is None:
            return
        true_name = names[body.case_number]
        self.renamed[(absent.name, "MP")] = true_name
        other = true_name
        while other[0] == true_name[0]:
            other = full_name(rng, body.sex)
        self.renamed[(wrong.name, "MP")] = other
        wrong.note = (
            f"{SYNTHETIC}: the burial journal's line for this body's grave names another "
            f"reported person ({absent.name}/MP): the journal is wrong"
        )

    def name(self, plan: _Family, label: str, drawn: tuple[str, str, str]) -> tuple[str, str, str]:
        body = plan.missing[label]
        if (plan.name, label) in self.renamed:
            return self.renamed[(plan.name, label)]
        if body is not None and body.case_number in self.names:
            return self.names[body.case_number]
        return drawn

    def details(self, body: Remains | None) -> dict[str, Any]:
        rng = self.rng
        if body is not None and body.age_min is not None and body.age_max is not None:
            birth_year = 2022 - rng.randint(body.age_min, body.age_max)
        else:
            birth_year = rng.randint(1940, 1995)
        buried = self.buried.get(body.grave_id) if body is not None else None
        seen = (buried - dt.timedelta(days=rng.randint(1, 25)) if buried else
                dt.date(2022, rng.randint(3, 8), rng.randint(1, 28)))  # fmt: skip
        place = rng.choice(["м. Ізюм", "Izium", "Ізюм, вул. Соборна", "Kapytolivka", "Kamianka"])
        return {"birth_year": birth_year, "last_seen_on": max(seen, dt.date(2022, 3, 1)),
                "last_seen_place": place}  # fmt: skip


def _body(plan: _Family) -> Remains | None:
    return plan.missing.get("MP")


def _named(plan: _Family, names: Mapping[str, object]) -> bool:
    body = _body(plan)
    return body is not None and body.case_number in names


def _write_pedigrees(
    actor: Actor, site: Site, plans: list[_Family], rng: random.Random, reports: _Reports
) -> dict[tuple[str, str], PedigreeMember]:
    persons = []
    for plan in plans:
        for label in plan.missing:
            sex = plan.builder.people[label].sex
            surname, given, patro = reports.name(plan, label, full_name(rng, sex))
            persons.append(MissingPerson(
                family_name=surname, given_name=given, patronymic=patro, sex=sex,
                description=SCENARIO_NOTE, external_reference=f"{plan.name}/{label}",
                **reports.details(plan.missing[label]),
            ))  # fmt: skip
    saved_persons = iter(create_many(persons, actor))
    person_of = {
        (plan.name, label): next(saved_persons) for plan in plans for label in plan.missing
    }
    families = create_many([Family(site=site, name=p.name, notes=p.note) for p in plans], actor)
    rows: dict[tuple[str, str], PedigreeMember] = {}
    waiting = [(f, plan, label) for f, plan in zip(families, plans, strict=True)
               for label in plan.builder.people]  # fmt: skip
    while waiting:
        wave: list[tuple[Family, _Family, str]] = []
        later: list[tuple[Family, _Family, str]] = []
        for f, plan, label in waiting:
            p = plan.builder.people[label]
            parents = [(plan.name, x) for x in (p.father, p.mother) if x is not None]
            (wave if all(k in rows for k in parents) else later).append((f, plan, label))
        batch = [_member(f, plan, label, rows, person_of) for f, plan, label in wave]
        for (_, plan, label), saved in zip(wave, create_many(batch, actor), strict=True):
            rows[(plan.name, label)] = saved
        waiting = later
    return rows


def _member(
    family: Family, plan: _Family, label: str, rows: dict[tuple[str, str], PedigreeMember],
    person_of: dict[tuple[str, str], MissingPerson],
) -> PedigreeMember:  # fmt: skip
    p = plan.builder.people[label]
    key = (plan.name, label)
    stated = label in plan.typed or (label in plan.missing and label != "MP")
    return PedigreeMember(
        family=family, label=label, sex=p.sex,
        father=rows.get((plan.name, p.father or "")), mother=rows.get((plan.name, p.mother or "")),
        missing_person=person_of.get(key),
        relationship=_relationship(plan, label) if stated else "",
        relative_of=person_of[(plan.name, "MP")] if stated else None,
        name=f"synthetic relative {plan.name}/{label}" if label in plan.typed else "",
        position=list(plan.builder.people).index(label),
    )  # fmt: skip


def _relationship(plan: _Family, label: str) -> str:
    codes = {
        "F": "father",
        "Mo": "mother",
        "S": "full_sibling",
        "H": "half_sibling",
        "C": "child",
        "W": "spouse",
        "G": "grandparent",
        "A": "aunt_uncle",
        "M": "child",
    }
    return codes[label.rstrip("0123456789")]  # fmt: skip


def _write_samples(
    actor: Actor, rng: random.Random, markers: Sequence[Marker], bodies: list[Remains],
    plans: list[_Family], members: dict[tuple[str, str], PedigreeMember], tick: Tick,
) -> DnaReport:  # fmt: skip
    samples: list[Sample] = []
    genotypes: list[tuple[Genotype, dt.date, bool]] = []
    of_body: dict[int, Genotype] = {}
    for plan in plans:
        for label, body in plan.missing.items():
            if body is not None:
                of_body[body.pk] = plan.genotypes[label]
    loose = [b for b in bodies if b.kind == "body_part" and b.body_id is None]
    matched = loose[0] if loose else None
    for body in bodies:
        source = body.body_id if body.body_id else body.pk
        genotype = of_body.get(source) or _random_genotype(rng, markers)
        if matched is not None and body.pk == matched.pk:
            genotype = of_body[next(iter(of_body))]
        samples.append(Sample(
            barcode=f"IZ-B-{body.case_number}", kind="tooth" if body.kind == "body" and
            rng.random() < 0.3 else "bone", remains=body, description=f"({SYNTHETIC})",
            collected_by="synthetic morgue team", collected_on=body.exhumed_on,
            collected_at="Izium forest, morgue tent (synthetic)",
        ))  # fmt: skip
        genotypes.append((genotype, body.exhumed_on, rng.random() < 0.25))
    typed = 0
    for plan in plans:
        reported = dt.date(2022, 10, 3) + dt.timedelta(days=rng.randrange(40))
        for label in plan.typed:
            samples.append(Sample(
                barcode=f"IZ-R-{plan.name[4:]}-{label}", kind=rng.choice(["buccal_swab",
                "buccal_swab", "blood_card"]), donor=members[(plan.name, label)],
                description=f"({SYNTHETIC})", collected_by="synthetic family liaison",
                collected_on=reported, collected_at="Kharkiv family assistance centre (synthetic)",
            ))  # fmt: skip
            genotypes.append((plan.genotypes[label], reported, False))
            typed += 1
        if len(plan.missing) == 1 and rng.random() < 0.08:
            samples.append(Sample(
                barcode=f"IZ-E-{plan.name[4:]}", kind="personal_effect",
                donor=members[(plan.name, "MP")], description=f"toothbrush ({SYNTHETIC})",
                collected_by="synthetic family liaison", collected_on=reported,
                collected_at="family home (synthetic)",
            ))  # fmt: skip
            genotypes.append((plan.genotypes["MP"], reported, True))
    saved = create_many(samples, actor)
    tick("DNA samples", len(saved), len(saved))
    events = _custody(rng, saved)
    create_many(events, actor)
    profiles = [
        Profile(sample=s, lab=LAB, kit=KIT, analyst="synthetic analyst", counts=True,
                typed_on=day + dt.timedelta(days=1), genotype=_degrade(rng, g) if partial else g)
        for s, (g, day, partial) in zip(saved, genotypes, strict=True)
    ]  # fmt: skip
    create_many(profiles, actor)
    tick("DNA profiles", len(profiles), len(profiles))
    consents = _consents(random.Random(f"consent-{len(saved)}"), [s for s in saved if s.donor_id])
    create_many(consents, actor)
    tick("consents", len(consents), len(consents))
    return DnaReport(
        families=len(plans), missing_persons=sum(len(p.missing) for p in plans),
        typed_relatives=typed, samples=len(saved), custody_events=len(events),
        profiles=len(profiles),
    )  # fmt: skip


def _custody(rng: random.Random, samples: Sequence[Sample]) -> list[CustodyEvent]:
    events = []
    for s in samples:
        start = dt.datetime.combine(s.collected_on, dt.time(17), tzinfo=dt.UTC)
        final = "stored" if s.remains_id is not None or s.kind == "personal_effect" else "consumed"
        steps: list[str] = []
        for hours, step in ((0, "packed"), (15, "sent"), (22, "received"), (23, final)):
            custody.check_next(s.barcode, steps, step)
            steps.append(step)
            events.append(CustodyEvent(
                sample=s, step=step, at=start + dt.timedelta(hours=hours),
                by="synthetic courier" if step == "sent" else "synthetic lab technician",
                location=f"synthetic lab freezer F-{rng.randint(1, 9)}" if step == "stored" else "",
            ))  # fmt: skip
    return events


def _degrade(rng: random.Random, genotype: Genotype) -> Genotype:
    """A partial profile: some markers lost, some heterozygotes with one allele (drop-out)."""
    lost = rng.uniform(0.3, 0.7)
    out: Genotype = {}
    for marker, (a, b) in genotype.items():
        if rng.random() < lost:
            continue
        out[marker] = [a] if a != b and rng.random() < 0.15 else [a, b]
    return out


def _consents(rng: random.Random, references: list[Sample]) -> list[Consent]:
    """Each family's consent, recorded when its samples were taken: most allow national search,
    some international exchange, a few this case only; most keep the sample. (Its own random
    stream, so the rest of the demo stays as it was.)"""
    scopes = ["national"] * 12 + ["international"] * 5 + ["case"] * 3
    out: list[Consent] = []
    for sample in references:
        relative = sample.kind != "personal_effect" and sample.donor is not None
        when = dt.datetime.combine(sample.collected_on, dt.time(11), tzinfo=dt.UTC)
        out.append(Consent(
            sample=sample, scope=rng.choice(scopes),
            retention="destroy" if rng.random() < 0.2 else "keep",
            given_on=sample.collected_on, given_by=sample.donor.name if relative else "",  # type: ignore[union-attr]
            recorded_by="demo-liaison", recorded_at=when,
        ))  # fmt: skip
    return out
