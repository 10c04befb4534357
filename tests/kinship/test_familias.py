"""Familias .fam files: a synthetic case, DVI round trips on dvir's examples, bad input."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from exhume.errors import InvalidInputError, ProblemFormatError
from exhume.kinship import dvi
from exhume.kinship.dvijson import load_problem, parse_problem
from exhume.kinship.dvijson_write import problem_document
from exhume.kinship.familias import FamiliasCase, parse_fam
from exhume.kinship.familias_case import case_document, case_from_document
from exhume.kinship.familias_write import familias_model, write_case, write_dvi
from exhume.kinship.markers import Marker
from exhume.kinship.mutation import MutationModel, stepwise
from exhume.kinship.problem import DviProblem

FAST = ["example1", "example2", "fire", "planecrash", "symmetricSibs", "KETPchap481",
        "KETPchap484", "KETPexer497", "KETPexer498"]  # fmt: skip

CASE_LINES = """\
"Output from Familias, version 3.3.1"
"A synthetic paternity case"
3.3.1
""
3
"AF"
#FALSE#
-1
#FALSE#
#TRUE#
2
0
1
0
1
1
1
"MO"
#FALSE#
-1 (Consider dropouts)
#FALSE#
#FALSE#
0
"CH"
#FALSE#
-1
#FALSE#
#TRUE#
1
0
2
0
"Known relations"
0
0
1
1
2
2
0
"H1"
0
0
1
0
2
1
"H2"
0
0
0
#FALSE# (#Databases: 1 ;Theta/Kinship/Fst: 0 )
2
#TRUE#
"synthetic"
"M1"
0.001
0.002
4
4
3
0.5
0.5
1e-006
2e-006
#FALSE#
0
3\t(DatabaseSize = 1000 , Dropout probability = 0 , Minor allele frequency = 0 )
"10"
0.2
"11"
0.3
"12"
0.5
"M2"
0
0
0
0
2
0
0
0
0
#FALSE#
0
2\t(DatabaseSize = 1000 , Dropout probability = 0 , Minor allele frequency = 0 )
"a"
0.6
"b"
0.4
[Advanced]
[[Direct/Identity]]
Dropin= 0
Dropout= 0
Error= 0
"""


def case() -> FamiliasCase:
    return parse_fam(CASE_LINES, name="case.fam").case


def same_case(a: FamiliasCase, b: FamiliasCase) -> None:
    assert [(p.id, p.sex) for p in a.persons] == [(p.id, p.sex) for p in b.persons]
    for p, q in zip(a.persons, b.persons, strict=True):
        np.testing.assert_array_equal(p.genotypes, q.genotypes)
    assert [n for n, _ in a.pedigrees] == [n for n, _ in b.pedigrees]
    for (_, p), (_, q) in zip(a.pedigrees, b.pedigrees, strict=True):
        assert p.ids == q.ids
        np.testing.assert_array_equal(p.fidx, q.fidx)
        np.testing.assert_array_equal(p.midx, q.midx)
        np.testing.assert_array_equal(p.sex, q.sex)
    same_markers(a.markers, b.markers)


def same_markers(a: tuple[Marker, ...], b: tuple[Marker, ...]) -> None:
    assert [m.name for m in a] == [m.name for m in b]
    for m, n in zip(a, b, strict=True):
        assert m.alleles == n.alleles
        np.testing.assert_array_equal(m.afreq, n.afreq)
        assert (m.mutation is None) == (n.mutation is None)
        if m.mutation is not None and n.mutation is not None:
            np.testing.assert_allclose(m.mutation.female, n.mutation.female, rtol=0, atol=1e-15)
            np.testing.assert_allclose(m.mutation.male, n.mutation.male, rtol=0, atol=1e-15)


def test_it_reads_persons_genotypes_and_each_hypothesis() -> None:
    c = case()
    assert [(p.id, p.sex) for p in c.persons] == [("AF", 1), ("MO", 2), ("CH", 1)]
    assert c.persons[0].genotypes.tolist() == [[0, 1], [1, 1]]
    assert c.persons[1].genotypes.tolist() == [[-1, -1], [-1, -1]]
    h1, h2 = dict(c.pedigrees)["H1"], dict(c.pedigrees)["H2"]
    ch = h1.index("CH")
    assert h1.ids[h1.fidx[ch] - 1] == "AF" and h1.ids[h1.midx[ch] - 1] == "MO"
    # H2: the child's father is not AF; the file gives the mother only, so a father is added
    assert h2.ids == ("AF", "MO", "CH", "added_1")
    assert h2.ids[h2.fidx[h2.index("CH")] - 1] == "added_1"


def test_it_builds_sex_specific_extended_stepwise_models() -> None:
    m1, m2 = case().markers
    assert m2.mutation is None  # rate 0 for both sexes
    assert m1.mutation is not None
    alleles = ["10", "11", "12"]
    np.testing.assert_array_equal(m1.mutation.female, stepwise(alleles, None, 0.001, 0.5, 1e-6))
    np.testing.assert_array_equal(m1.mutation.male, stepwise(alleles, None, 0.002, 0.5, 2e-6))
    assert familias_model(m1, "female") == (4, 0.001, 0.5, 1e-6)
    assert familias_model(m1, "male") == (4, 0.002, 0.5, 2e-6)


def test_a_case_survives_import_export_import() -> None:
    first = case()
    again = parse_fam(write_case(first), name="again.fam").case
    same_case(first, again)
    same_case(again, parse_fam(write_case(again), name="thrice.fam").case)


def test_a_case_survives_its_json_form() -> None:
    first = case()
    same_case(first, case_from_document(case_document(first)))


def mapped(original: DviProblem, imported: DviProblem) -> DviProblem:
    """The imported problem with the original's candidate pairings (Familias keeps none)."""
    if original.pairings is None:
        return imported
    label = {m.removeprefix("Missing "): m for m in imported.missing}
    pairings = {v: tuple(c if c == "*" else label[c] for c in cands)
                for v, cands in original.pairings.items()}  # fmt: skip
    return dataclasses.replace(imported, pairings=pairings)


def roundtrip(problem: DviProblem) -> DviProblem:
    read = parse_fam(write_dvi(problem), name="export.fam")
    assert read.dvi is not None
    return read.dvi


@pytest.mark.parametrize("name", FAST)
def test_an_exported_dvi_problem_solves_to_the_same_lrs(dvi_examples: Path, name: str) -> None:
    original = load_problem(dvi_examples / f"{name}.json")
    back = mapped(original, roundtrip(original))
    lr_a = dvi.pairwise_lr(dvi.make_context(original))
    lr_b = dvi.pairwise_lr(dvi.make_context(back))
    cols = [[m.removeprefix("Missing ") for m in back.missing].index(m) for m in original.missing]
    lr_b = lr_b[:, cols]
    np.testing.assert_array_equal(np.isnan(lr_a), np.isnan(lr_b))
    np.testing.assert_allclose(np.nan_to_num(lr_b), np.nan_to_num(lr_a), rtol=1e-12, atol=0)


@pytest.mark.parametrize("name", FAST)
def test_dvi_import_export_import_keeps_pedigrees_genotypes_frequencies(
    dvi_examples: Path, name: str
) -> None:
    once = roundtrip(load_problem(dvi_examples / f"{name}.json"))
    twice = roundtrip(once)
    assert problem_document(twice) == problem_document(once)


def test_the_missing_persons_are_named_as_dvir_reads_them(dvi_examples: Path) -> None:
    back = roundtrip(load_problem(dvi_examples / "planecrash.json"))
    assert back.missing == ("Missing M1", "Missing M2", "Missing M3", "Missing M4", "Missing M5")
    assert back.pairings is None
    assert [v.id for v in back.victims][:2] == ["V1", "V2"]


def dvi_text(dvi_examples: Path) -> list[str]:
    return write_dvi(load_problem(dvi_examples / "planecrash.json")).splitlines()


def test_a_file_truncated_mid_pedigree_names_the_line(dvi_examples: Path) -> None:
    lines = dvi_text(dvi_examples)
    cut = next(i for i, ln in enumerate(lines) if ln.startswith("Child= ")) + 1
    with pytest.raises(
        ProblemFormatError, match=rf"line {cut}: .* declares 2 relations but lists 1"
    ):
        parse_fam("\n".join(lines[:cut]), name="cut.fam")


def test_a_file_truncated_in_the_database_names_the_line() -> None:
    lines = CASE_LINES.splitlines()
    cut = lines.index('"11"') + 1
    with pytest.raises(ProblemFormatError, match=rf"cut.fam, line {cut + 1}: the file ends where"):
        parse_fam("\n".join(lines[:cut]), name="cut.fam")


def test_a_word_where_a_count_belongs_names_the_line() -> None:
    text = CASE_LINES.replace(
        '"CH"\n#FALSE#\n-1\n#FALSE#\n#TRUE#\n1', '"CH"\n#FALSE#\n-1\n#FALSE#\n#TRUE#\none'
    )
    line = text.splitlines().index("one") + 1
    with pytest.raises(ProblemFormatError, match=rf"line {line}: expected the number of typed"):
        parse_fam(text, name="bad.fam")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("4\n4\n3\n0.5", "3\n4\n3\n0.5", "stationary stepwise model"),
        ("Theta/Kinship/Fst: 0 )", "Theta/Kinship/Fst: 0.02 )", "theta correction"),
        ("2e-006\n#FALSE#", "2e-006\n#TRUE#", "silent allele"),
        ("Dropout= 0", "Dropout= 0.05", "Dropout= 0.05 is not supported"),
        ('"11"\n0.3', '"11"\n0.35', "sum to"),
    ],
)
def test_it_refuses_what_it_cannot_compute_as_familias_would(
    old: str, new: str, message: str
) -> None:
    assert old in CASE_LINES
    with pytest.raises(ProblemFormatError, match=message):
        parse_fam(CASE_LINES.replace(old, new, 1), name="x.fam")


def test_an_allele_index_outside_the_database_names_the_line() -> None:
    text = CASE_LINES.replace(
        '"CH"\n#FALSE#\n-1\n#FALSE#\n#TRUE#\n1\n0\n2', '"CH"\n#FALSE#\n-1\n#FALSE#\n#TRUE#\n1\n0\n7'
    )
    with pytest.raises(ProblemFormatError, match=r"line 31: allele index 7 but locus 'M1' has 3"):
        parse_fam(text, name="x.fam")


def test_it_refuses_to_export_a_matrix_familias_cannot_rebuild() -> None:
    mat = np.array([[0.9, 0.1], [0.3, 0.7]])
    marker = Marker("odd", ("1", "2"), np.array([0.5, 0.5]), MutationModel(mat, mat))
    with pytest.raises(InvalidInputError, match="marker 'odd': the female mutation matrix"):
        familias_model(marker, "female")


def test_an_unknown_allele_in_the_dvi_part_names_person_marker_and_line(dvi_examples: Path) -> None:
    lines = dvi_text(dvi_examples)
    at = next(i for i, ln in enumerate(lines) if ln.startswith("Allele1= "))
    lines[at] = "Allele1= 99.9"
    with pytest.raises(ProblemFormatError, match=rf"line {at}: 'V1', marker '\w+': allele '99.9'"):
        parse_fam("\n".join(lines), name="x.fam")


def test_a_dvi_problem_round_trips_through_its_json_document(dvi_examples: Path) -> None:
    original = load_problem(dvi_examples / "fire.json")
    again = parse_problem(problem_document(original))
    assert problem_document(again) == problem_document(original)
