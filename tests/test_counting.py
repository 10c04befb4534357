"""The counting rules, on categories alone (no database)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exhume.counting import (
    GROUPS,
    PUBLISHED_FIELDS,
    category,
    class_sizes,
    group_of,
    published_category,
    summarise,
)

D16, D17, D18 = dt.date(2022, 9, 16), dt.date(2022, 9, 17), dt.date(2022, 9, 18)


def person(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = dict(
        kind="body", tied_to_person=False, status="civilian", age_class="adult", sex="female",
        violent_death="yes", torture=False, exhumed_on=D16,
    )  # fmt: skip
    return category(**{**base, **kw})


def test_servicemen_are_counted_before_children_and_sex() -> None:
    assert group_of(status="serviceman", age_class="child", sex="female") == "servicemen"
    assert group_of(status="civilian", age_class="child", sex="male") == "children"
    assert group_of(status="undetermined", age_class="adult", sex="female") == "women"
    assert group_of(status="civilian", age_class="undetermined", sex="male") == "men"
    assert group_of(status="civilian", age_class="adult", sex="undetermined") == "sex_undetermined"


def test_the_izium_breakdown_sums_to_the_published_total() -> None:
    cats = (
        [person(sex="female")] * 215 + [person(sex="male")] * 194
        + [person(sex="undetermined")] * 11 + [person(age_class="child")] * 5
        + [person(status="serviceman", sex="male")] * 22
    )  # fmt: skip
    s = summarise(cats)
    assert (s.total, s.women, s.men, s.sex_undetermined, s.children, s.servicemen) == (
        447, 215, 194, 11, 5, 22,
    )  # fmt: skip


def test_body_parts_never_inflate_the_number_of_dead() -> None:
    cats = [
        person(),
        person(kind="body_part", tied_to_person=True),
        person(kind="body_part", tied_to_person=False),
        person(kind="body_part", tied_to_person=False),
    ]
    s = summarise(cats)
    assert s.total == 1
    assert s.body_parts_unassociated == 2


def test_torture_and_violent_death_share() -> None:
    cats = [person(torture=True), person(violent_death="undetermined"), person(), person()]
    s = summarise(cats)
    assert s.with_torture_signs == 1
    assert s.violent_death == 3
    assert s.violent_death_share == 0.75


def test_an_empty_site_has_zero_share_not_a_division_error() -> None:
    assert summarise([]).violent_death_share == 0.0


def test_counts_as_of_a_date_include_that_day_and_nothing_after() -> None:
    cats = [person(exhumed_on=D16), person(exhumed_on=D17), person(exhumed_on=D18)]
    s = summarise(cats, as_of=D17)
    assert s.total == 2
    assert s.as_of == "2022-09-17"


def test_the_running_count_gives_new_and_cumulative_per_day() -> None:
    cats = [person(exhumed_on=D17), person(exhumed_on=D16), person(exhumed_on=D17)]
    running = [(d.date, d.new, d.total) for d in summarise(cats).running]
    assert running == [("2022-09-16", 1, 1), ("2022-09-17", 2, 3)]


CATEGORY = st.builds(
    person,
    kind=st.sampled_from(["body", "body_part"]),
    tied_to_person=st.booleans(),
    status=st.sampled_from(["civilian", "serviceman", "undetermined"]),
    age_class=st.sampled_from(["adult", "child", "undetermined"]),
    sex=st.sampled_from(["female", "male", "undetermined"]),
    violent_death=st.sampled_from(["yes", "no", "undetermined"]),
    torture=st.booleans(),
    exhumed_on=st.sampled_from([D16, D17, D18]),
)


@given(st.lists(CATEGORY, max_size=60))
def test_groups_are_exclusive_and_sum_to_the_total(cats: list[dict[str, Any]]) -> None:
    s = summarise(cats)
    assert sum(getattr(s, g) for g in GROUPS) == s.total
    assert s.total == sum(c["kind"] == "person" for c in cats)
    assert s.running[-1].total == s.total if s.running else s.total == 0


@given(st.lists(CATEGORY, max_size=60))
def test_the_running_count_agrees_with_counts_as_of_each_day(cats: list[dict[str, Any]]) -> None:
    for day in summarise(cats).running:
        assert summarise(cats, as_of=dt.date.fromisoformat(day.date)).total == day.total


def test_identified_counts_persons_confirmed_by_the_date() -> None:
    cats = [person(), person(), person()]
    cats[0]["identified_on"] = "2022-10-01"
    cats[1]["identified_on"] = "2022-11-15"
    assert summarise(cats).identified == 2
    assert summarise(cats, as_of=dt.date(2022, 10, 31)).identified == 1


IDENTIFIED = st.builds(
    lambda c, on: {**c, "identified_on": on.isoformat()} if on and c["kind"] == "person" else c,
    CATEGORY,
    st.one_of(st.none(), st.sampled_from([D16, D18])),
)


@given(st.lists(IDENTIFIED, max_size=60))
def test_published_categories_give_the_same_published_counts_as_full_ones(
    cats: list[dict[str, Any]],
) -> None:
    assert summarise(map(published_category, cats)) == summarise(cats)


@pytest.mark.parametrize("name", PUBLISHED_FIELDS)
def test_every_published_field_is_read_by_a_published_count(name: str) -> None:
    """A field the counts do not read must not be published: changing any published field of
    a person changes some figure."""
    base = published_category(person())
    other = {
        "kind": "body_part", "group": "men", "torture": True, "violent_death": False,
        "exhumed_on": "2022-09-17", "identified": True,
    }  # fmt: skip
    assert summarise([{**base, name: other[name]}]) != summarise([base])


def test_a_published_category_holds_no_sex_age_or_status_and_a_body_part_only_its_kind() -> None:
    assert published_category(person(age_class="child", sex="male")) == {
        "kind": "person", "group": "children", "torture": False, "violent_death": True,
        "exhumed_on": "2022-09-16", "identified": False,
    }  # fmt: skip
    assert published_category(person(kind="body_part")) == {"kind": "body_part"}


def test_class_sizes_count_persons_sharing_their_published_attributes() -> None:
    cats = [person(), person(), person(sex="male"), person(kind="body_part")]
    sizes = class_sizes(cats)
    assert (sizes.persons, sizes.classes, sizes.smallest, sizes.alone) == (3, 2, 1, 1)
    assert sizes.in_small_classes == 3
    assert class_sizes(map(published_category, cats)) == sizes
    assert class_sizes([]).smallest == 0
