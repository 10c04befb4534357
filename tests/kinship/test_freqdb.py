"""Familias (list) and FamLinkX (allelic ladder) frequency databases."""

from __future__ import annotations

import numpy as np
import pytest

from exhume.errors import ProblemFormatError
from exhume.kinship.freqdb import parse_frequency_database, write_list, write_long_csv

LIST = "D3S1358\n14\t0.25\n15\t0.75\n\nTH01\n6\t0.5\n9.3\t0.5\n"
LADDER = "Allele\tD3S1358\tTH01\n6\t\t0.5\n9.3\tNA\t0,5\n14\t0.25\t\n15\t0.75\t\nN\t400\t400\n"


def test_it_reads_the_list_layout() -> None:
    d3, th01 = parse_frequency_database(LIST, name="db.txt")
    assert (d3.name, d3.alleles, d3.afreq.tolist()) == ("D3S1358", ("14", "15"), [0.25, 0.75])
    assert (th01.name, th01.alleles) == ("TH01", ("6", "9.3"))


def test_the_ladder_layout_gives_the_same_markers_and_skips_the_sample_size_row() -> None:
    a = parse_frequency_database(LIST, name="db.txt")
    b = parse_frequency_database(LADDER, name="ladder.txt")
    assert [m.name for m in a] == [m.name for m in b]
    for m, n in zip(a, b, strict=True):
        assert m.alleles == n.alleles
        np.testing.assert_array_equal(m.afreq, n.afreq)


def test_write_list_reads_back_exactly() -> None:
    markers = parse_frequency_database("M\n1\t0.1\n2\t0.2\n3\t0.7000000000000001\n", name="x")
    again = parse_frequency_database(write_list(markers), name="y")
    np.testing.assert_array_equal(again[0].afreq, markers[0].afreq)


def test_the_long_csv_has_one_row_per_allele() -> None:
    csv = write_long_csv(parse_frequency_database(LIST, name="db.txt"), "Norway")
    assert csv.splitlines()[:2] == [
        "population,marker,allele,frequency,n",
        "Norway,D3S1358,14,0.25,",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("M\n1\tzero\n", r"x.txt, line 2: the frequency of '1' is not a number: 'zero'"),
        ("M\n1\t0.5\n1\t0.5\n", r"line 3: allele '1' of 'M' is listed twice"),
        ("M\n1\t0.5\n2\t0.2\n", r"line 1: marker 'M': allele frequencies sum to"),
        ("M\n1 0.5 extra\n", r"line 2: expected 'allele<TAB>frequency' for marker 'M'"),
        ("Allele\tM\n1\t1.5\n", r"line 2: the frequency of '1' at 'M' must be in \[0, 1\]"),
        ("", r"x.txt: the frequency database is empty"),
    ],
)
def test_bad_databases_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ProblemFormatError, match=message):
        parse_frequency_database(text, name="x.txt")
