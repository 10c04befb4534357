"""The pedigree layout: generations, siblings together, partners side by side."""

from __future__ import annotations

from exhume.dna.drawing import Individual, generations, layout, svg


def person(label: str, sex: str, father: int | None = None, mother: int | None = None,
           typed: bool = False, missing: bool = False) -> Individual:  # fmt: skip
    return Individual(label, sex, father, mother, typed, missing)


# 0 grandfather, 1 grandmother, 2 father (their son), 3 mother (married in), 4 missing son,
# 5 his sister; the sister is listed before the parents, as pedtools may list her.
FAMILY = [
    person("GF", "male"),
    person("GM", "female"),
    person("F", "male", 0, 1, typed=True),
    person("Mo", "female"),
    person("M1", "male", 2, 3, missing=True),
    person("S", "female", 2, 3, typed=True),
]


def test_a_founder_who_married_in_takes_the_generation_of_the_partner() -> None:
    assert generations(FAMILY) == [0, 0, 1, 1, 2, 2]


def test_partners_stand_side_by_side_and_children_under_them() -> None:
    where = layout(FAMILY)
    assert abs(where[2].x - where[3].x) == 56
    middle = (where[2].x + where[3].x) / 2
    assert min(where[4].x, where[5].x) <= middle <= max(where[4].x, where[5].x)


def test_the_svg_uses_the_usual_symbols() -> None:
    drawing = svg(FAMILY, title="F1")
    assert drawing.count("<rect") == 3 and drawing.count("<circle") == 3
    assert 'data-member="M1" class="missing male"' in drawing
    assert 'fill="#555" stroke="#222" stroke-width="1.5" data-member="S"' in drawing
    assert svg([person("X", "undetermined")]).count("<polygon") == 1
