"""Build a pedigree from what relatives state: "I am the father of the missing man".

The pedigree is held as parent links (as pedtools holds it). A statement places the relative
relative to one member (the *anchor*, a missing person), adding untyped *connectors* where the
relationship passes through people nobody typed: a half sibling's other parent, a grandparent's
child (the missing person's parent), a cousin's parent. A later statement that names a person
already present only as a connector fills that place instead of adding a second person, so a
father stated after a full sibling becomes the sibling's father too.

Refused, naming the relative and the field: a sex that contradicts the relationship (a male
mother), a second biological father or mother, a child of a missing person of undetermined sex,
and (by :class:`exhume.kinship.pedigree.Pedigree`) a person who is their own ancestor.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from exhume.errors import InvalidInputError
from exhume.kinship.pedigree import FEMALE, MALE, UNKNOWN_SEX, Pedigree

SEX_CODE = {"male": MALE, "female": FEMALE, "undetermined": UNKNOWN_SEX}
#: relationships that fix the relative's sex.
SEX_OF = {"father": "male", "mother": "female"}
SIDED = frozenset({"half_sibling", "grandparent", "aunt_uncle", "cousin"})


@dataclass
class Person:
    """A pedigree member as the builder sees it."""

    label: str
    sex: str
    father: str | None = None
    mother: str | None = None
    connector: bool = True


@dataclass(frozen=True)
class Statement:
    """``label`` is the ``relationship`` of ``anchor`` (through ``side`` where it matters)."""

    label: str
    sex: str
    relationship: str
    anchor: str
    side: str = ""
    other_parent: str | None = None


class PedigreeBuilder:
    """A family's members by label; :meth:`place` adds one statement, touching what it must."""

    def __init__(self, people: dict[str, Person]) -> None:
        self.people = people
        self.changed: set[str] = set()
        #: new label -> the label the person had before a statement filled their place.
        self.renamed: dict[str, str] = {}

    def place(self, s: Statement) -> Person:
        """Place the relative of one statement; returns the (new or filled) person."""
        expected = SEX_OF.get(s.relationship)
        if expected and s.sex != expected:
            raise InvalidInputError(
                _(
                    "relative '%(label)s': a %(relationship)s must be %(expected)s, the sex "
                    "given is %(sex)s"
                )
                % {
                    "label": s.label,
                    "relationship": s.relationship,
                    "expected": expected,
                    "sex": s.sex,
                },
                field="sex",
            )
        if s.relationship in SIDED and s.side not in ("father", "mother"):
            raise InvalidInputError(
                _(
                    "relative '%(label)s': say through which parent ('father' or 'mother') the "
                    "%(relationship)s is related"
                )
                % {"label": s.label, "relationship": s.relationship.replace("_", " ")},
                field="side",
            )
        if s.label in self.people:
            raise InvalidInputError(
                _("relative '%(label)s': the family already has a member with this label")
                % {"label": s.label},
                field="label",
            )
        anchor = self._get(s.anchor, "anchor")
        person: Person = getattr(self, "_" + s.relationship)(s, anchor)
        person.connector = False
        self.check()
        return person

    # -- relationships -----------------------------------------------------------------------

    def _father(self, s: Statement, anchor: Person) -> Person:
        father, _mother = self._parents(anchor)
        return self._fill(father, s, "father", anchor)

    def _mother(self, s: Statement, anchor: Person) -> Person:
        _father, mother = self._parents(anchor)
        return self._fill(mother, s, "mother", anchor)

    def _full_sibling(self, s: Statement, anchor: Person) -> Person:
        father, mother = self._parents(anchor)
        return self._new(s.label, s.sex, father, mother)

    def _half_sibling(self, s: Statement, anchor: Person) -> Person:
        father, mother = self._parents(anchor)
        if s.side == "father":
            return self._new(s.label, s.sex, father, self._connector(f"{s.label}-mother", "female"))
        return self._new(s.label, s.sex, self._connector(f"{s.label}-father", "male"), mother)

    def _child(self, s: Statement, anchor: Person) -> Person:
        if anchor.sex not in ("male", "female"):
            raise InvalidInputError(
                _(
                    "relative '%(label)s': a child can be placed only under a parent of known "
                    "sex; '%(label2)s' has sex %(sex)s"
                )
                % {"label": s.label, "label2": anchor.label, "sex": anchor.sex},
                field="relationship",
            )
        other_sex = "female" if anchor.sex == "male" else "male"
        if s.other_parent:
            other = self._get(s.other_parent, "other_parent")
            if other.sex != other_sex:
                raise InvalidInputError(
                    _("relative '%(label)s': the other parent '%(label2)s' must be %(other_sex)s")
                    % {"label": s.label, "label2": other.label, "other_sex": other_sex},
                    field="other_parent",
                )
            other_label = other.label
        else:
            other_label = self._connector(
                f"{s.label}-{'mother' if other_sex == 'female' else 'father'}", other_sex
            )
        pair = (anchor.label, other_label) if anchor.sex == "male" else (other_label, anchor.label)
        return self._new(s.label, s.sex, *pair)

    def _spouse(self, s: Statement, anchor: Person) -> Person:
        return self._new(s.label, s.sex, None, None)

    def _missing(self, s: Statement, anchor: Person) -> Person:
        raise InvalidInputError(
            _("relative '%(label)s': state how the missing person is related (father, child ...)")
            % {"label": s.label},
            field="relationship",
        )

    def _grandparent(self, s: Statement, anchor: Person) -> Person:
        if s.sex not in ("male", "female"):
            raise InvalidInputError(
                _("relative '%(label)s': a grandparent's sex says which place they take")
                % {"label": s.label},
                field="sex",
            )
        parent = self._side_parent(anchor, s.side)
        grandfather, grandmother = self._parents(parent)
        slot = grandfather if s.sex == "male" else grandmother
        return self._fill(slot, s, "grandfather" if s.sex == "male" else "grandmother", parent)

    def _aunt_uncle(self, s: Statement, anchor: Person) -> Person:
        grandfather, grandmother = self._parents(self._side_parent(anchor, s.side))
        return self._new(s.label, s.sex, grandfather, grandmother)

    def _cousin(self, s: Statement, anchor: Person) -> Person:
        grandfather, grandmother = self._parents(self._side_parent(anchor, s.side))
        link = self._new(f"{s.label}-parent", "male", grandfather, grandmother)
        other = self._connector(f"{s.label}-mother", "female")
        return self._new(s.label, s.sex, link.label, other)

    # -- pieces --------------------------------------------------------------------------------

    def _get(self, label: str, field: str) -> Person:
        try:
            return self.people[label]
        except KeyError:
            raise InvalidInputError(
                _("no member '%(label)s' in this family") % {"label": label}, field=field
            ) from None

    def _side_parent(self, anchor: Person, side: str) -> Person:
        father, mother = self._parents(anchor)
        return self.people[father if side == "father" else mother]

    def _parents(self, person: Person) -> tuple[str, str]:
        if person.father is None or person.mother is None:
            person.father = self._connector(f"{person.label}-father", "male")
            person.mother = self._connector(f"{person.label}-mother", "female")
            self.changed.add(person.label)
        return person.father, person.mother

    def _fill(self, slot: str, s: Statement, role: str, of: Person) -> Person:
        held = self.people[slot]
        if not held.connector:
            raise InvalidInputError(
                _(
                    "relative '%(label)s': '%(label2)s' already has a biological %(role)s, "
                    "'%(label3)s'"
                )
                % {"label": s.label, "label2": of.label, "role": role, "label3": held.label},
                field="relationship",
            )
        if held.sex != s.sex:
            raise InvalidInputError(
                _("relative '%(label)s': a %(role)s must be %(sex)s")
                % {"label": s.label, "role": role, "sex": held.sex},
                field="sex",
            )
        held.connector = False
        self._rename(held, s.label)
        return held

    def _rename(self, person: Person, label: str) -> None:
        old = person.label
        del self.people[old]
        person.label = label
        self.people[label] = person
        for other in self.people.values():
            if other.father == old:
                other.father = label
            if other.mother == old:
                other.mother = label
        self.renamed[label] = self.renamed.pop(old, old)
        self.changed.discard(old)
        self.changed.add(label)

    def _connector(self, base: str, sex: str) -> str:
        return self._new(self._free(base), sex, None, None).label

    def _new(self, label: str, sex: str, father: str | None, mother: str | None) -> Person:
        person = Person(self._free(label) if label in self.people else label, sex, father, mother)
        self.people[person.label] = person
        self.changed.add(person.label)
        return person

    def _free(self, base: str) -> str:
        label, k = base, 2
        while label in self.people:
            label, k = f"{base}-{k}", k + 1
        return label

    def check(self) -> Pedigree:
        """The pedigree as the engine reads it; refuses cycles and parents of the wrong sex."""
        records = [(p.label, p.father, p.mother, SEX_CODE[p.sex]) for p in self.people.values()]
        return Pedigree.from_records(records)
