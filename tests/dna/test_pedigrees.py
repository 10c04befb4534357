"""Relatives placed by the relationship they state; impossible statements refused."""

from __future__ import annotations

from typing import Any

import pytest

from exhume.dna.models import PedigreeMember
from exhume.dna.pedigree_actions import do_add_relative, do_set_parents, family_pedigree
from exhume.errors import InvalidInputError
from exhume.families.actions import do_report_missing_person

pytestmark = pytest.mark.django_db


def parents(family: Any) -> dict[str, tuple[str | None, str | None]]:
    ped = family_pedigree(family)
    return {
        i: tuple(ped.ids[p - 1] if p else None for p in (ped.fidx[k], ped.midx[k]))
        for k, i in enumerate(ped.ids)
    }  # type: ignore[misc]


def add(actor: Any, family: Any, missing: Any, label: str, sex: str, rel: str, **kw: Any) -> Any:
    return do_add_relative(
        actor, family=family, label=label, sex=sex, relationship=rel, relative_of=missing, **kw
    )


def test_a_sibling_then_the_father_share_one_pedigree(
    actor: Any, family: Any, missing: Any
) -> None:
    add(actor, family, missing, "S1", "female", "full_sibling")
    add(actor, family, missing, "R1", "male", "father")
    assert parents(family) == {
        "M1": ("R1", "M1-mother"), "R1": (None, None), "M1-mother": (None, None),
        "S1": ("R1", "M1-mother"),
    }  # fmt: skip
    assert PedigreeMember.objects.get(label="R1").relationship == "father"


def test_half_siblings_grandparents_aunts_and_cousins_get_their_connectors(
    actor: Any, family: Any, missing: Any
) -> None:
    add(actor, family, missing, "H1", "male", "half_sibling", side="mother")
    add(actor, family, missing, "G1", "female", "grandparent", side="father")
    add(actor, family, missing, "U1", "male", "aunt_uncle", side="father")
    add(actor, family, missing, "C1", "female", "cousin", side="mother")
    ped = parents(family)
    assert ped["H1"] == ("H1-father", "M1-mother")
    assert ped["M1-father"] == ("M1-father-father", "G1")
    assert ped["U1"] == ("M1-father-father", "G1")
    assert ped["C1"] == ("C1-parent", "C1-mother")
    assert ped["C1-parent"] == ("M1-mother-father", "M1-mother-mother")


def test_a_child_and_the_childs_other_parent(actor: Any, family: Any, missing: Any) -> None:
    add(actor, family, missing, "W1", "female", "spouse")
    add(actor, family, missing, "K1", "male", "child", other_parent="W1")
    assert parents(family)["K1"] == ("M1", "W1")


def test_a_father_and_son_killed_together_share_one_pedigree(
    actor: Any, family: Any, missing: Any
) -> None:
    son = do_report_missing_person(actor, family_name="Synthetic", sex="male")
    add(actor, family, missing, "M2", "male", "child", missing_person=son)
    add(actor, family, missing, "R2", "female", "spouse")
    assert parents(family)["M2"] == ("M1", "M2-mother")
    assert son.pedigree_member.family == family


def test_it_refuses_a_relative_whose_sex_contradicts_the_relationship(
    actor: Any, family: Any, missing: Any
) -> None:
    with pytest.raises(InvalidInputError) as err:
        add(actor, family, missing, "R1", "male", "mother")
    assert err.value.field == "sex"
    assert err.value.message == "relative 'R1': a mother must be female, the sex given is male"
    assert family.members.count() == 1


def test_it_refuses_two_biological_fathers(actor: Any, family: Any, missing: Any) -> None:
    add(actor, family, missing, "R1", "male", "father")
    with pytest.raises(InvalidInputError) as err:
        add(actor, family, missing, "R2", "male", "father")
    assert err.value.field == "relationship"
    assert err.value.message == "relative 'R2': 'M1' already has a biological father, 'R1'"


def test_it_refuses_a_pedigree_with_a_cycle(actor: Any, family: Any, missing: Any) -> None:
    add(actor, family, missing, "R1", "male", "father")
    father, me = PedigreeMember.objects.get(label="R1"), PedigreeMember.objects.get(label="M1")
    mother = PedigreeMember.objects.get(label="M1-mother")
    with pytest.raises(InvalidInputError) as err:
        do_set_parents(actor, father, father=me, mother=mother, reason="typo", authority="lab")
    assert err.value.field == "parents of 'R1'"
    assert "is their own ancestor (the pedigree has a cycle)" in err.value.message


def test_it_refuses_a_male_mother_set_by_hand(actor: Any, family: Any, missing: Any) -> None:
    add(actor, family, missing, "R1", "male", "father")
    add(actor, family, missing, "S1", "male", "full_sibling")
    me, r1 = PedigreeMember.objects.get(label="M1"), PedigreeMember.objects.get(label="R1")
    s1 = PedigreeMember.objects.get(label="S1")
    with pytest.raises(InvalidInputError, match="the mother of 'M1', 'S1', is not female"):
        do_set_parents(actor, me, father=r1, mother=s1, reason="typo", authority="lab")
