"""Markers: allele lookup, validation messages, mutation on and off."""

from __future__ import annotations

import numpy as np
import pytest

from exhume.errors import InvalidInputError
from exhume.kinship.markers import Marker, make_marker
from exhume.kinship.mutation import mutation_model

ALS = ("9", "9.3", "10")
P = np.array([0.2, 0.3, 0.5])


def test_allele_index_finds_label() -> None:
    assert Marker("TH01", ALS, P).allele_index("9.3") == 1


def test_allele_index_names_marker_and_allele() -> None:
    with pytest.raises(InvalidInputError, match="marker 'TH01' has no allele '7'"):
        Marker("TH01", ALS, P).allele_index("7")


def test_genotype_maps_missing_allele_to_minus_one() -> None:
    assert Marker("TH01", ALS, P).genotype("10", None) == (2, -1)


def test_frequencies_are_kept_exactly_as_given() -> None:
    freqs = np.array([0.2, 0.3, 0.5000000001])
    np.testing.assert_array_equal(Marker("TH01", ALS, freqs).afreq, freqs)


def test_marker_rejects_frequencies_not_summing_to_one() -> None:
    with pytest.raises(InvalidInputError, match=r"marker 'TH01': allele frequencies sum to 0\.9"):
        Marker("TH01", ALS, np.array([0.2, 0.2, 0.5]))


def test_marker_rejects_wrong_number_of_frequencies() -> None:
    with pytest.raises(InvalidInputError, match="3 alleles but 2 allele frequencies"):
        Marker("TH01", ALS, np.array([0.5, 0.5]))


def test_marker_rejects_duplicate_allele() -> None:
    with pytest.raises(InvalidInputError, match="lists allele '9' twice"):
        Marker("TH01", ("9", "9", "10"), P)


def test_marker_rejects_mutation_matrix_of_other_size() -> None:
    model = mutation_model("equal", ("1", "2"), [0.5, 0.5], rate=0.01)
    with pytest.raises(InvalidInputError, match="mutation matrices are 2 x 2"):
        Marker("TH01", ALS, P, model)


def test_without_mutation_drops_only_the_model() -> None:
    m = Marker("TH01", ALS, P, mutation_model("equal", ALS, P, rate=0.01))
    plain = m.without_mutation()
    assert plain.mutation is None
    assert plain.alleles == m.alleles
    assert plain.without_mutation() is plain


def test_make_marker_defaults_to_equal_frequencies() -> None:
    m = make_marker("L", 4)
    assert m.alleles == ("1", "2", "3", "4")
    assert m.n_alleles == 4
    np.testing.assert_array_equal(m.afreq, [0.25] * 4)
