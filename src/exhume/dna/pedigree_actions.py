"""Every change of state to families and their pedigrees.

A family is created around one missing person; relatives are added by the relationship they
state (:mod:`exhume.dna.relationships` places them, adding untyped connectors); a pedigree read
from a file (dvi-json) is recorded exactly with :func:`do_record_pedigree`. Each write keeps the
pedigree valid for the engine (:class:`exhume.kinship.pedigree.Pedigree`): no cycle, fathers
male and mothers female.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from exhume.audit.events import Actor
from exhume.audit.writes import correct, create
from exhume.casework.models import Site
from exhume.dna.models import Family, PedigreeMember, Sample
from exhume.dna.relationships import SEX_CODE, PedigreeBuilder, Person, Statement
from exhume.dna.transactions import durable
from exhume.errors import InvalidInputError
from exhume.families.models import MissingPerson
from exhume.kinship.pedigree import Pedigree

STATEMENT = "relationship statement"


@dataclass(frozen=True)
class MemberSpec:
    """One member of a pedigree recorded exactly (labels of parents, ``None`` for founders)."""

    label: str
    sex: str
    father: str | None = None
    mother: str | None = None
    missing_person: MissingPerson | None = None


def create_family(
    actor: Actor,
    *,
    name: str,
    missing_person: MissingPerson,
    site: Site | None = None,
    label: str = "",
) -> Family:
    """Open a family (one pedigree) around a missing person."""
    _not_placed(missing_person)
    family = create(Family, actor, {"name": name.strip(), "site": site})
    create(
        PedigreeMember,
        actor,
        {
            "family": family,
            "label": label or _label_of(missing_person),
            "sex": missing_person.sex,
            "missing_person": missing_person,
        },
    )
    return family


def add_relative(
    actor: Actor,
    *,
    family: Family,
    label: str,
    sex: str,
    relationship: str,
    relative_of: MissingPerson,
    side: str = "",
    other_parent: str | None = None,
    missing_person: MissingPerson | None = None,
    **fields: Any,
) -> PedigreeMember:
    """Add a relative (or a second missing person) by the relationship stated to a missing
    person of the family; connectors are added, or filled, as the relationship needs."""
    if missing_person is not None:
        _not_placed(missing_person)
    members = {m.label: m for m in family.members.select_for_update()}
    anchor = next((m for m in members.values() if m.missing_person_id == relative_of.pk), None)
    if anchor is None:
        raise InvalidInputError(
            _("'%(relative_of)s' is not a missing person of family %(name)s")
            % {"relative_of": relative_of, "name": family.name},
            field="relative_of",
        )
    typed = set(Sample.objects.filter(donor__family=family).values_list("donor_id", flat=True))
    builder = PedigreeBuilder({k: _person(m, typed) for k, m in members.items()})
    statement = Statement(label.strip(), sex, relationship, anchor.label, side, other_parent)
    try:
        placed = builder.place(statement)
    except InvalidInputError as exc:
        raise InvalidInputError(exc.message, field=exc.field or "relationship") from None
    stated = {
        "relationship": relationship,
        "side": side,
        "relative_of": relative_of,
        "missing_person": missing_person,
        **fields,
    }
    saved = _write(actor, family, builder, members, placed.label, stated)
    return saved


def record_pedigree(
    actor: Actor, *, family: Family, members: Sequence[MemberSpec]
) -> list[PedigreeMember]:
    """Record a whole pedigree exactly as given (a new family, or one holding only its first
    missing person, who must be among ``members``)."""
    pedigree = _validated([(m.label, m.father, m.mother, SEX_CODE[m.sex]) for m in members])
    held = {m.label: m for m in family.members.select_for_update()}
    saved: dict[str, PedigreeMember] = {}
    for spec in members:
        if spec.missing_person is not None and spec.label not in held:
            _not_placed(spec.missing_person)
    for pos in _parents_first(pedigree):
        spec = members[pos]
        values = {
            "family": family,
            "label": spec.label,
            "sex": spec.sex,
            "position": pos,
            "father": saved.get(spec.father or ""),
            "mother": saved.get(spec.mother or ""),
            "missing_person": spec.missing_person,
        }
        if spec.label in held:
            changes = {k: v for k, v in values.items() if k != "family"}
            saved[spec.label] = correct(
                held[spec.label], actor, changes, reason="pedigree recorded", authority=STATEMENT
            )
        else:
            saved[spec.label] = create(PedigreeMember, actor, values)
    return [saved[m.label] for m in members]


def set_parents(
    actor: Actor,
    member: PedigreeMember,
    *,
    father: PedigreeMember | None,
    mother: PedigreeMember | None,
    reason: str,
    authority: str,
) -> PedigreeMember:
    """Correct a member's parents; refused when the pedigree would break (a cycle, a father
    who is not male, one parent only)."""
    people = {m.label: _person(m) for m in member.family.members.select_for_update()}
    people[member.label].father = father.label if father else None
    people[member.label].mother = mother.label if mother else None
    _validated(
        [(p.label, p.father, p.mother, SEX_CODE[p.sex]) for p in people.values()],
        member=member.label,
    )
    return correct(
        member, actor, {"father": father, "mother": mother}, reason=reason, authority=authority
    )


def family_pedigree(family: Family) -> Pedigree:
    """The family's pedigree as the engine reads it, members in their recorded order."""
    members = list(family.members.select_related("father", "mother"))
    return Pedigree.from_records(
        [
            (
                m.label,
                m.father.label if m.father else None,
                m.mother.label if m.mother else None,
                SEX_CODE[m.sex],
            )
            for m in members
        ]
    )


#: what a correction of a relative may change without placing them again in the pedigree
RELATIVE_DETAILS = ("name", "contact")


def correct_relative(
    actor: Actor, member: PedigreeMember, *, reason: str, authority: str, **changes: Any
) -> PedigreeMember:
    """Correct a relative's name or contact as a logged new version; their place in the
    pedigree (sex, relationship, side) is changed only by stating it again."""
    fixed = sorted(set(changes) - set(RELATIVE_DETAILS))
    if fixed:
        raise InvalidInputError(
            _(
                "relative '%(label)s': %(fixed)s cannot be corrected here; a place in the "
                "pedigree is changed by stating the relationship again"
            )
            % {"label": member.label, "fixed": ", ".join(fixed)},
            field=fixed[0],
        )
    return correct(member, actor, changes, reason=reason, authority=authority)


# -- pieces ------------------------------------------------------------------------------------


def _label_of(person: MissingPerson) -> str:
    return person.external_reference or f"MP{person.pk}"


def _not_placed(person: MissingPerson) -> None:
    if PedigreeMember.objects.filter(missing_person=person).exists():
        raise InvalidInputError(
            _("missing person '%(person)s' is already in a family's pedigree") % {"person": person},
            field="missing_person",
        )


def _person(m: PedigreeMember, typed: set[int] | frozenset[int] = frozenset()) -> Person:
    """The builder's view of a member; anyone with a sample is no connector."""
    return Person(
        m.label,
        m.sex,
        m.father.label if m.father_id and m.father else None,
        m.mother.label if m.mother_id and m.mother else None,
        connector=m.is_connector and m.pk not in typed,
    )


def _validated(records: list[Any], *, member: str | None = None) -> Pedigree:
    try:
        return Pedigree.from_records(records)
    except InvalidInputError as exc:
        raise InvalidInputError(
            exc.message, field=f"parents of '{member}'" if member else "pedigree"
        ) from None


def _parents_first(pedigree: Pedigree) -> list[int]:
    """Member positions ordered so that parents come before their children."""
    order: list[int] = []
    done: set[int] = set()

    def visit(i: int) -> None:
        stack = [i]
        while stack:
            j = stack[-1]
            todo = [p - 1 for p in (pedigree.fidx[j], pedigree.midx[j]) if p and p - 1 not in done]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            if j not in done:
                done.add(j)
                order.append(j)

    for i in range(pedigree.n):
        visit(i)
    return order


def _write(
    actor: Actor,
    family: Family,
    builder: PedigreeBuilder,
    members: dict[str, PedigreeMember],
    placed: str,
    stated: dict[str, Any],
) -> PedigreeMember:
    """Save what the builder changed: new people in the order it made them (parents first),
    then corrections of people already recorded."""
    rows = {
        label: members[builder.renamed.get(label, label)]
        for label in builder.people
        if builder.renamed.get(label, label) in members
    }
    waiting = [label for label in builder.people if label not in rows]
    next_pos = max((m.position for m in members.values()), default=-1) + 1
    while waiting:
        label = next(
            x
            for x in waiting
            if all(
                p is None or p in rows for p in (builder.people[x].father, builder.people[x].mother)
            )
        )
        waiting.remove(label)
        person = builder.people[label]
        values = {
            "family": family,
            "label": label,
            "sex": person.sex,
            "position": next_pos,
            "father": rows.get(person.father or ""),
            "mother": rows.get(person.mother or ""),
        }
        if label == placed:
            values.update(stated)
        next_pos += 1
        rows[label] = create(PedigreeMember, actor, values, check=_check_member)
    for label in builder.changed:
        old = builder.renamed.get(label, label)
        if old not in members:
            continue
        person = builder.people[label]
        changes: dict[str, Any] = {
            "label": label,
            "father": rows.get(person.father or ""),
            "mother": rows.get(person.mother or ""),
        }
        if label == placed:
            changes.update(stated)
        rows[label] = correct(
            members[old],
            actor,
            changes,
            reason=f"stated by {placed}",
            authority=STATEMENT,
            check=_check_member,
        )
    return rows[placed]


def _check_member(member: PedigreeMember) -> None:
    if member.relationship == "missing" and member.missing_person_id is None:
        raise InvalidInputError(_("choose the missing person"), field="missing_person")


do_create_family = durable(create_family)
do_add_relative = durable(add_relative)
do_record_pedigree = durable(record_pedigree)
do_set_parents = durable(set_parents)
do_correct_relative = durable(correct_relative)
