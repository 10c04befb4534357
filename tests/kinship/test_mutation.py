"""Mutation matrices: pedmut's formulas on small cases and against matrices pedmut built."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from exhume.errors import InvalidInputError
from exhume.kinship.mutation import (
    MutationModel,
    always_lumpable,
    equal,
    is_lumpable,
    is_stationary,
    mutation_model,
    onestep,
    proportional,
    stepwise,
)


def test_equal_model_spreads_rate_over_other_alleles() -> None:
    m = equal([0.1, 0.2, 0.3, 0.4], 0.1)
    expected = np.full((4, 4), 0.1 / 3)
    np.fill_diagonal(expected, 0.9)
    np.testing.assert_array_equal(m, expected)


def test_equal_model_with_one_allele_is_one() -> None:
    np.testing.assert_array_equal(equal(["7"], 0.2), [[1.0]])


def test_proportional_model_follows_target_frequencies() -> None:
    p = np.array([0.2, 0.3, 0.5])
    m = proportional(p, 0.1)
    a = 0.1 / (0.2 * 0.8 + 0.3 * 0.7 + 0.5 * 0.5)
    assert m[0, 1] == pytest.approx(a * 0.3, rel=1e-15)
    assert m[2, 2] == pytest.approx(1 - a + a * 0.5, rel=1e-15)
    np.testing.assert_allclose(m.sum(axis=1), 1.0, rtol=1e-15)
    assert is_stationary(m, p)


def test_proportional_model_rejects_too_high_rate() -> None:
    with pytest.raises(InvalidInputError, match="exceeds the maximum"):
        proportional([0.99, 0.01], 0.5)


def test_stepwise_model_matches_hand_computed_rows() -> None:
    m = stepwise(["9", "10", "11", "9.3"], None, rate=0.01, range=0.1, rate2=0.001)
    np.testing.assert_allclose(m[1], [0.005, 0.989, 0.005, 0.001], rtol=1e-14)
    np.testing.assert_allclose(
        m[0], [0.989, 0.01 * 0.1 / 0.11, 0.01 * 0.01 / 0.11, 0.001], rtol=1e-14
    )
    np.testing.assert_allclose(m[3], [0.001 / 3] * 3 + [0.999], rtol=1e-14)


def test_stepwise_model_without_microvariants_has_diagonal_one_minus_rate() -> None:
    m = stepwise(["8", "9", "10"], None, rate=0.02, range=0.5, rate2=0.0)
    np.testing.assert_allclose(np.diag(m), 0.98)
    np.testing.assert_allclose(m[0, 1:], [0.02 * 0.5 / 0.75, 0.02 * 0.25 / 0.75])


def test_stepwise_model_rejects_non_numeric_alleles() -> None:
    with pytest.raises(InvalidInputError, match="numeric allele labels"):
        stepwise(["8", "Rest allele"], None, 0.01, 0.1, 0.0)


def test_onestep_model_moves_only_to_neighbours() -> None:
    m = onestep(["9", "10", "11", "13"], None, 0.04)
    np.testing.assert_allclose(m[0], [0.96, 0.04, 0, 0])
    np.testing.assert_allclose(m[1], [0.02, 0.96, 0.02, 0])
    np.testing.assert_allclose(m[3], [0, 0, 0, 1])


def test_onestep_model_rejects_microvariants() -> None:
    with pytest.raises(InvalidInputError, match="integer allele labels"):
        onestep(["9", "9.3"], None, 0.01)


@pytest.mark.parametrize("kind", ["equal", "proportional", "stepwise", "onestep", "trivial"])
def test_every_model_has_rows_summing_to_one(kind: str) -> None:
    als = ("8", "9", "10", "11", "12")
    p = np.array([0.1, 0.2, 0.3, 0.25, 0.15])
    model = mutation_model(kind, als, p, rate=0.01, range=0.2, rate2=0.001)
    np.testing.assert_allclose(model.female.sum(axis=1), 1.0, rtol=1e-14)
    assert model.female is model.male
    assert model.model == kind


def test_mutation_model_names_missing_parameter() -> None:
    with pytest.raises(InvalidInputError, match="needs the parameter 'rate'"):
        mutation_model("equal", ("1", "2"), [0.5, 0.5])


def test_mutation_model_rejects_unknown_kind() -> None:
    with pytest.raises(InvalidInputError, match="unknown mutation model 'dawid2'"):
        mutation_model("dawid2", ("1", "2"), [0.5, 0.5], rate=0.1)


def test_model_rejects_rows_not_summing_to_one() -> None:
    bad = np.array([[0.9, 0.2], [0.0, 1.0]])
    with pytest.raises(InvalidInputError, match="row 1 sums to"):
        MutationModel(bad, bad)


def test_equal_and_proportional_models_are_always_lumpable() -> None:
    p = np.array([0.1, 0.2, 0.3, 0.4])
    assert always_lumpable(equal(p, 0.01))
    assert always_lumpable(proportional(p, 0.01))
    assert mutation_model("equal", ("a", "b", "c", "d"), p, rate=0.1).always_lumpable


def test_stepwise_model_is_lumpable_only_for_some_sets() -> None:
    m = stepwise(["8", "9", "10", "11"], None, 0.01, 0.1, 0.0)
    assert not always_lumpable(m)
    assert not is_lumpable(m, [2, 3])
    assert is_lumpable(m, [0, 1, 2, 3])


def _stored(dataset: str, root: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((root / f"{dataset}.json").read_text())
    return data


@pytest.mark.parametrize(
    ("dataset", "kind"),
    [("planecrash", "proportional"), ("fire", "proportional"), ("KETPchap484", "equal")],
)
def test_builders_reproduce_matrices_stored_by_pedmut(
    dataset: str, kind: str, dvi_examples: Path
) -> None:
    data = _stored(dataset, dvi_examples)
    markers = data["markers"]
    assert isinstance(markers, list)
    for m in markers:
        stored = m["mutation"]["female"]
        assert stored["model"] == kind
        if kind == "equal":
            built = equal(m["alleles"], stored["rate"])
        else:
            built = proportional(np.array(stored["afreq"]), stored["rate"])
        np.testing.assert_allclose(built, np.array(stored["matrix"]), rtol=1e-14, atol=1e-17)
