"""Kinship LRs between hypotheses: closed forms, the naive enumeration, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given

from exhume.errors import InvalidInputError, KinshipError
from exhume.kinship.lr import kinship_lr
from exhume.kinship.markers import Marker, make_marker
from exhume.kinship.mutation import mutation_model
from exhume.kinship.pedigree import Pedigree
from tests.kinship.naive import naive_loglik
from tests.kinship.test_likelihood import FAST, cases

P = np.array([0.1, 0.2, 0.3, 0.4])
MARKER = make_marker("L1", 4, P)


def ped(*rows: tuple[str, str | None, str | None, int]) -> Pedigree:
    return Pedigree.from_records(list(rows))


TRIO = ped(("AF", None, None, 1), ("MO", None, None, 2), ("CH", "AF", "MO", 1))
NOT_FATHER = ped(
    ("AF", None, None, 1), ("UF", None, None, 1), ("MO", None, None, 2), ("CH", "UF", "MO", 1)
)
DUO = ped(("AF", None, None, 1), ("MO", None, None, 2), ("CH", "AF", "MO", 1))
UNRELATED = ped(("A", None, None, 1), ("B", None, None, 1))
FULL_SIBS = ped(("F", None, None, 1), ("M", None, None, 2), ("A", "F", "M", 1), ("B", "F", "M", 1))
HALF_SIBS = ped(
    ("F", None, None, 1),
    ("M1", None, None, 2),
    ("M2", None, None, 2),
    ("A", "F", "M1", 1),
    ("B", "F", "M2", 1),
)


def typed(**pairs: tuple[int, int]) -> dict[str, np.ndarray]:
    return {k: np.array([v], dtype=np.intp) for k, v in pairs.items()}


def lr_of(hyps: dict[str, Pedigree], genos: dict[str, np.ndarray], m: Marker = MARKER) -> float:
    return kinship_lr(hyps, [m], genos).lr()[f"{next(iter(hyps))}:{list(hyps)[-1]}"]


@pytest.mark.parametrize("c", [0, 1, 2, 3])
def test_trio_paternity_lr_is_one_over_2p_for_a_heterozygous_child(c: int) -> None:
    # mother 0/0 (c != 0) gives the maternal 0; the paternal allele c; AF c/d, d != c.
    d = 3 if c != 3 else 2
    mother = (0, 0) if c != 0 else (1, 1)
    genos = typed(AF=(c, d), MO=mother, CH=(mother[0], c))
    assert lr_of({"H1": TRIO, "H2": NOT_FATHER}, genos) == pytest.approx(1 / (2 * P[c]))


@pytest.mark.parametrize("c", [0, 1, 2, 3])
def test_trio_paternity_lr_is_one_over_p_for_a_homozygous_alleged_father(c: int) -> None:
    mother = (0, 0) if c != 0 else (1, 1)
    genos = typed(AF=(c, c), MO=mother, CH=(mother[0], c))
    assert lr_of({"H1": TRIO, "H2": NOT_FATHER}, genos) == pytest.approx(1 / P[c])


def test_duo_paternity_lr_is_one_over_4p_for_one_shared_allele() -> None:
    genos = {"AF": np.array([[0, 1]]), "CH": np.array([[1, 2]])}
    h2 = ped(("AF", None, None, 1), ("CH", None, None, 1))
    assert lr_of({"H1": DUO, "H2": h2}, genos) == pytest.approx(1 / (4 * P[1]))


def test_full_and_half_sibling_lrs_of_a_shared_heterozygote_have_closed_forms() -> None:
    p, q = P[0], P[1]
    genos = typed(A=(0, 1), B=(0, 1))
    result = kinship_lr({"FS": FULL_SIBS, "HS": HALF_SIBS, "UN": UNRELATED}, [MARKER], genos)
    lr = result.lr()
    assert lr["FS:UN"] == pytest.approx((1 + p + q + 2 * p * q) / (8 * p * q))
    assert lr["HS:UN"] == pytest.approx(0.5 + (p + q) / (8 * p * q))
    assert lr["UN:UN"] == 1.0


def test_full_sibling_lr_of_a_shared_homozygote_has_a_closed_form() -> None:
    p = P[2]
    lr = lr_of({"FS": FULL_SIBS, "UN": UNRELATED}, typed(A=(2, 2), B=(2, 2)))
    assert lr == pytest.approx(0.25 + 0.5 / p + 0.25 / p**2)


def test_an_exclusion_gives_zero_without_mutation_and_a_small_lr_with_it() -> None:
    genos = typed(AF=(3, 3), MO=(0, 0), CH=(0, 2))
    hyps = {"H1": TRIO, "H2": NOT_FATHER}
    assert lr_of(hyps, genos) == 0.0
    assert kinship_lr(hyps, [MARKER], genos).total_loglik()["H1"] == -math.inf
    model = mutation_model("equal", MARKER.alleles, P, rate=0.01)
    lr = lr_of(hyps, genos, MARKER.with_mutation(model))
    stay, move = 0.99, 0.01 / 3  # pedmut's "equal": each other allele 0.01 / 3
    t2, t0 = P[2] * stay + (1 - P[2]) * move, P[0] * stay + (1 - P[0]) * move
    assert lr == pytest.approx((stay * move + move * move) / (stay * t2 + move * t0), rel=1e-12)


def test_per_marker_lrs_multiply_to_the_total() -> None:
    m2 = make_marker("L2", 3, [0.5, 0.3, 0.2])
    genos = {"A": np.array([[0, 1], [1, 2]]), "B": np.array([[0, 1], [2, 2]])}
    result = kinship_lr({"FS": FULL_SIBS, "UN": UNRELATED}, [MARKER, m2], genos)
    per = result.lr_per_marker()["FS:UN"]
    assert list(per) == ["L1", "L2"]
    assert result.lr()["FS:UN"] == pytest.approx(per["L1"] * per["L2"], rel=1e-12)


def test_the_reference_defaults_to_the_last_hypothesis() -> None:
    result = kinship_lr({"FS": FULL_SIBS, "UN": UNRELATED}, [MARKER], typed(A=(0, 1), B=(0, 1)))
    assert result.reference == "UN" and list(result.lr()) == ["FS:UN", "UN:UN"]


# -- bad input names the hypothesis, the individual or the marker ------------------------------


def test_it_refuses_a_typed_individual_missing_from_a_hypothesis() -> None:
    with pytest.raises(InvalidInputError, match="individual 'MO' is typed but not in hypothesis"):
        kinship_lr({"H1": TRIO, "H2": UNRELATED}, [MARKER], typed(MO=(0, 1)))


def test_it_refuses_an_unknown_reference_hypothesis() -> None:
    with pytest.raises(InvalidInputError, match="reference hypothesis 'H3' is not one of H1, H2"):
        kinship_lr({"H1": TRIO, "H2": NOT_FATHER}, [MARKER], typed(CH=(0, 1)), "H3")


def test_it_refuses_a_single_hypothesis() -> None:
    with pytest.raises(InvalidInputError, match="at least two hypotheses"):
        kinship_lr({"H1": TRIO}, [MARKER], typed(CH=(0, 1)))


def test_it_refuses_a_hypothesis_name_with_a_colon() -> None:
    with pytest.raises(InvalidInputError, match="hypothesis 'H:1'"):
        kinship_lr({"H:1": TRIO, "H2": NOT_FATHER}, [MARKER], typed(CH=(0, 1)))


def test_it_refuses_genotypes_of_the_wrong_shape() -> None:
    with pytest.raises(InvalidInputError, match="individual 'CH': genotypes have shape"):
        kinship_lr({"H1": TRIO, "H2": NOT_FATHER}, [MARKER], {"CH": np.zeros((2, 2), int)})


def test_it_names_the_marker_impossible_under_the_reference() -> None:
    genos = typed(AF=(3, 3), MO=(0, 0), CH=(0, 2))
    message = r"marker 'L1' are impossible under the reference .*'H1'"
    with pytest.raises(KinshipError, match=message):
        kinship_lr({"H2": NOT_FATHER, "H1": TRIO}, [MARKER], genos)


# -- the naive enumeration on random pedigrees --------------------------------------------------


@FAST
@given(cases(max_n=5))
def test_lr_against_unrelated_matches_naive_enumeration(
    case: tuple[Pedigree, list[Marker], np.ndarray],
) -> None:
    pedigree, markers, g = case
    is_typed = (g >= 0).any(axis=(1, 2))
    ids = [pedigree.ids[i] for i in np.flatnonzero(is_typed)]
    assume(ids)
    alone = Pedigree.from_records(
        [(i, None, None, int(pedigree.sex[pedigree.index(i)])) for i in ids]
    )
    genos = {i: g[pedigree.index(i)] for i in ids}
    slow_h = naive_loglik(pedigree, markers, g)
    slow_r = naive_loglik(alone, markers, g[is_typed])
    assume(np.all(np.isfinite(slow_r)))
    result = kinship_lr({"PED": pedigree, "UN": alone}, markers, genos)
    fast = result.log_lr_per_marker("PED")
    slow = slow_h - slow_r
    assert np.array_equal(np.isneginf(fast), np.isneginf(slow))
    finite = np.isfinite(slow)
    np.testing.assert_allclose(fast[finite], slow[finite], rtol=1e-9, atol=1e-10)
