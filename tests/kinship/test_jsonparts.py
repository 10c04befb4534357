"""The parts shared by the JSON input formats (src/exhume/kinship/jsonparts.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from exhume.errors import ProblemFormatError
from exhume.kinship.jsonparts import genotype_row, parse_marker, parse_sex, read_json_object

MARKER = {"name": "D1", "alleles": ["10", "11", "12"], "afreq": [0.2, 0.3, 0.5]}


def test_a_marker_keeps_its_frequencies_as_given() -> None:
    marker = parse_marker(MARKER, 0)
    assert marker.alleles == ("10", "11", "12")
    np.testing.assert_array_equal(marker.afreq, [0.2, 0.3, 0.5])
    assert marker.mutation is None


def test_a_marker_without_a_name_is_named_by_its_position() -> None:
    with pytest.raises(ProblemFormatError, match="marker number 3 has no name"):
        parse_marker({"alleles": ["1"], "afreq": [1.0]}, 2)


def test_a_genotype_row_reads_alleles_and_leaves_untyped_markers_missing() -> None:
    markers = (parse_marker(MARKER, 0), parse_marker({**MARKER, "name": "D2"}, 1))
    row = genotype_row({"D2": ["12", None]}, markers, {"D1": 0, "D2": 1}, "victim 'V1'")
    assert row.tolist() == [[-1, -1], [2, -1]]
    with pytest.raises(ProblemFormatError, match="victim 'V1', marker 'D1': unknown allele '9'"):
        genotype_row({"D1": ["9", "10"]}, markers, {"D1": 0, "D2": 1}, "victim 'V1'")


def test_a_sex_is_0_1_or_2_and_never_a_boolean() -> None:
    assert parse_sex(2, "x") == 2
    with pytest.raises(ProblemFormatError, match="x: sex must be 0, 1 or 2, got True"):
        parse_sex(True, "x")


def test_a_file_that_is_not_a_json_object_is_named(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[1, 2]")
    with pytest.raises(ProblemFormatError, match=r"list\.json: the top level must be"):
        read_json_object(path)
