"""Allele-frequency tables: the long CSV reader and the built-in synthetic table."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from exhume.errors import InvalidInputError, NotFoundError
from exhume.kinship.frequencies import (
    CODIS_MARKERS,
    load_frequencies,
    read_frequency_table,
    synthetic_frequencies,
    synthetic_frequency_table,
    with_mutation,
)

CSV = """population,marker,allele,frequency,n
Caucasian,TH01,6,0.25,4
Caucasian,TH01,9.3,0.75,4
Caucasian,VWA,14,0.5,
Caucasian,VWA,17,0.5,
Other,TH01,6,1.0,2
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "freqs.csv"
    path.write_text(text)
    return path


def test_it_reads_one_population_in_file_order(tmp_path: Path) -> None:
    markers = load_frequencies(_write(tmp_path, CSV), "Caucasian")
    assert [m.name for m in markers] == ["TH01", "VWA"]
    assert markers[0].alleles == ("6", "9.3")
    assert markers[0].afreq.tolist() == [0.25, 0.75]
    assert markers[0].mutation is None


def test_it_records_the_file_name_and_sha256(tmp_path: Path) -> None:
    table = read_frequency_table(_write(tmp_path, CSV), "Other")
    assert table.source.name == "freqs.csv"
    assert table.source.population == "Other"
    assert table.source.sha256 == hashlib.sha256(CSV.encode()).hexdigest()


def test_it_names_row_and_field_of_a_bad_frequency(tmp_path: Path) -> None:
    text = CSV.replace("Caucasian,VWA,17,0.5,", "Caucasian,VWA,17,half,")
    with pytest.raises(InvalidInputError) as err:
        load_frequencies(_write(tmp_path, text), "Caucasian")
    assert err.value.row == 5
    assert err.value.field == "frequency"
    assert str(err.value) == "row 5, field 'frequency': freqs.csv: frequency 'half' is not a number"


def test_it_lists_the_populations_when_asked_for_an_absent_one(tmp_path: Path) -> None:
    with pytest.raises(
        NotFoundError, match=r"no rows for population 'Hisp' \(present: Caucasian, Other\)"
    ):
        load_frequencies(_write(tmp_path, CSV), "Hisp")


def test_it_rejects_a_header_without_frequency(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as err:
        load_frequencies(_write(tmp_path, "population,marker,allele\nA,B,1\n"), "A")
    assert (err.value.row, err.value.field) == (1, "frequency")


def test_it_rejects_an_allele_listed_twice(tmp_path: Path) -> None:
    text = CSV.replace("Caucasian,TH01,9.3,0.75,4", "Caucasian,TH01,6,0.75,4")
    with pytest.raises(InvalidInputError, match="marker TH01 lists allele 6 twice") as err:
        load_frequencies(_write(tmp_path, text), "Caucasian")
    assert err.value.row == 2


def test_it_rejects_frequencies_that_do_not_sum_to_one(tmp_path: Path) -> None:
    text = CSV.replace("Caucasian,TH01,9.3,0.75,4", "Caucasian,TH01,9.3,0.5,4")
    with pytest.raises(InvalidInputError, match=r"frequencies of marker TH01 sum to 0\.750000"):
        load_frequencies(_write(tmp_path, text), "Caucasian")


def test_the_synthetic_table_has_23_codis_markers_with_7_to_25_alleles() -> None:
    markers = synthetic_frequencies()
    assert tuple(m.name for m in markers) == CODIS_MARKERS
    counts = [m.n_alleles for m in markers]
    assert min(counts) == 7 and max(counts) == 25
    assert counts[:4] == [7, 14, 21, 9]
    assert markers[0].alleles[0] == "6"
    for m in markers:
        assert m.afreq.sum() == pytest.approx(1.0, abs=1e-15)
        assert m.afreq.min() > 0.002


def test_the_synthetic_table_is_deterministic() -> None:
    a, b = synthetic_frequency_table(), synthetic_frequency_table()
    assert a.source == b.source
    assert a.source.name == "builtin-synthetic-23"
    assert all(np.array_equal(x.afreq, y.afreq) for x, y in zip(a.markers, b.markers, strict=True))


def test_with_mutation_attaches_the_model_to_every_marker() -> None:
    markers = with_mutation(synthetic_frequencies()[:2], "proportional", rate=1e-3)
    assert all(m.mutation is not None and m.mutation.model == "proportional" for m in markers)
    assert all(m.mutation is None for m in with_mutation(markers, "none"))


def test_it_reads_the_fbi_2015_caucasian_table(shared_data: Path) -> None:
    markers = load_frequencies(shared_data / "frequencies" / "fbi2015.csv", "Caucasian")
    assert len(markers) == 23
    se33 = next(m for m in markers if m.name == "SE33")
    assert se33.n_alleles == 36
