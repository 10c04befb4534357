"""Pedigrees: parent-index arrays, validation messages, components and loops."""

from __future__ import annotations

import numpy as np
import pytest

from exhume.errors import InvalidInputError, NotFoundError
from exhume.kinship.pedigree import Pedigree


def test_children_may_come_before_parents() -> None:
    ped = Pedigree.from_records(
        [("ch", "fa", "mo", 2), ("fa", None, None, 1), ("mo", None, None, 2)]
    )
    assert ped.ids == ("ch", "fa", "mo")
    np.testing.assert_array_equal(ped.fidx, [2, 0, 0])
    np.testing.assert_array_equal(ped.midx, [3, 0, 0])
    np.testing.assert_array_equal(ped.founders, [1, 2])
    np.testing.assert_array_equal(ped.nonfounders, [0])
    np.testing.assert_array_equal(ped.children_of(1), [0])


def test_index_is_zero_based_and_names_unknown_id() -> None:
    ped = Pedigree.singleton("V1", 1)
    assert ped.index("V1") == 0
    with pytest.raises(NotFoundError, match="individual 'V9' is not in the pedigree"):
        ped.index("V9")


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([("a", "x", "y", 1)], "the father of 'a', 'x', is not in the pedigree"),
        ([("a", None, None, 1), ("b", "a", None, 1)], "'b' has only one parent given"),
        (
            [("a", None, None, 2), ("m", None, None, 2), ("b", "a", "m", 1)],
            "the father of 'b', 'a', is not male",
        ),
        (
            [("a", None, None, 1), ("m", None, None, 1), ("b", "a", "m", 1)],
            "the mother of 'b', 'm', is not female",
        ),
        ([("a", None, None, 1), ("a", None, None, 2)], "individual 'a' appears twice"),
        (
            [("a", "b", "m", 1), ("b", "a", "m", 1), ("m", None, None, 2)],
            "is their own ancestor",
        ),
        ([("a", None, None, 5)], "individual 'a' has sex 5"),
    ],
)
def test_from_records_rejects_bad_pedigrees(
    records: list[tuple[str, str | None, str | None, int]], message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        Pedigree.from_records(records)


def test_components_separate_unrelated_people() -> None:
    ped = Pedigree.from_records(
        [("fa", None, None, 1), ("v", None, None, 2), ("mo", None, None, 2), ("ch", "fa", "mo", 1)]
    )
    assert [c.tolist() for c in ped.components] == [[0, 2, 3], [1]]


def test_nuclear_family_has_no_loops(trio: Pedigree) -> None:
    assert not trio.has_loops


def test_inbreeding_makes_a_loop(first_cousin_child: Pedigree) -> None:
    assert first_cousin_child.has_loops


def test_two_brothers_marrying_two_sisters_is_a_marriage_loop() -> None:
    ped = Pedigree.from_records(
        [
            ("f1", None, None, 1),
            ("m1", None, None, 2),
            ("f2", None, None, 1),
            ("m2", None, None, 2),
            ("b1", "f1", "m1", 1),
            ("b2", "f1", "m1", 1),
            ("s1", "f2", "m2", 2),
            ("s2", "f2", "m2", 2),
            ("c1", "b1", "s1", 1),
            ("c2", "b2", "s2", 1),
        ]
    )
    assert ped.has_loops


def test_half_sibs_without_common_descendants_have_no_loop() -> None:
    ped = Pedigree.from_records(
        [
            ("f", None, None, 1),
            ("m1", None, None, 2),
            ("m2", None, None, 2),
            ("a", "f", "m1", 1),
            ("b", "f", "m2", 2),
        ]
    )
    assert not ped.has_loops
