"""dvi-json import: every example loads with the documented counts; malformed input is named."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from exhume.errors import KinshipError, ProblemFormatError
from exhume.kinship.dvijson import load_problem, parse_problem

# dataset: victims, families, missing, references, AM individuals, markers, loop (README table)
COUNTS = {
    "example1": (3, 1, 3, 1, 5, 1, False),
    "example2": (3, 2, 3, 2, 6, 1, False),
    "fire": (3, 1, 3, 1, 8, 23, False),
    "planecrash": (8, 5, 5, 5, 17, 15, False),
    "icmp": (5, 1, 12, 6, 23, 13, False),
    "grave": (8, 1, 8, 5, 23, 23, True),
    "symmetricSibs": (5, 3, 5, 3, 11, 13, False),
    "exclusionExample": (16, 15, 15, 47, 88, 15, False),
    "KETPchap481": (2, 1, 2, 1, 5, 21, False),
    "KETPchap484": (4, 3, 4, 3, 14, 21, False),
    "KETPexer497": (3, 3, 3, 5, 13, 23, False),
    "KETPexer498": (3, 1, 3, 1, 6, 16, False),
}


@pytest.mark.parametrize("dataset", sorted(COUNTS))
def test_every_example_loads_with_documented_counts(dataset: str, dvi_examples: Path) -> None:
    prob = load_problem(dvi_examples / f"{dataset}.json")
    victims, families, missing, refs, am, markers, loop = COUNTS[dataset]
    assert prob.dataset == dataset
    assert len(prob.victims) == victims
    assert len(prob.families) == families
    assert len(prob.missing) == missing
    assert len(prob.references) == refs
    assert sum(f.pedigree.n for f in prob.families) == am
    assert len(prob.markers) == markers
    assert any(f.pedigree.has_loops for f in prob.families) == loop
    assert sorted(m for f in prob.families for m in f.missing) == sorted(prob.missing)
    assert len(prob.source_sha256) == 64


def test_genotypes_are_allele_indices_in_global_marker_order(dvi_examples: Path) -> None:
    prob = load_problem(dvi_examples / "planecrash.json")
    v1 = prob.victim("V1")
    k = [m.name for m in prob.markers].index("TH01")
    th01 = prob.markers[k]
    assert tuple(th01.alleles[i] for i in v1.genotypes[k]) == ("9", "9.3")
    fam = prob.family_of(prob.missing[0])
    assert fam.genotypes.shape == (fam.pedigree.n, len(prob.markers), 2)
    assert (fam.genotypes[fam.pedigree.index(prob.missing[0])] == -1).all()


def test_mutation_matrices_are_taken_as_stored(dvi_examples: Path) -> None:
    raw = json.loads((dvi_examples / "fire.json").read_text())
    prob = load_problem(dvi_examples / "fire.json")
    stored = np.array(raw["markers"][0]["mutation"]["male"]["matrix"])
    model = prob.markers[0].mutation
    assert model is not None
    np.testing.assert_array_equal(model.male, stored)
    assert model.model == "proportional"
    assert model.params["rate"] == 0.001


def test_pairings_keep_star_and_order(dvi_examples: Path) -> None:
    prob = load_problem(dvi_examples / "grave.json")
    assert prob.pairings is not None
    assert prob.pairings["V2"] == ("*", "MP2", "MP7", "MP8")
    assert load_problem(dvi_examples / "example1.json").pairings is None


# -- malformed input ------------------------------------------------------------------------


def _doc() -> dict[str, Any]:
    return {
        "format": "dvi-json v1 (see README.md)",
        "dataset": "tiny",
        "markers": [
            {"name": "L1", "alleles": ["1", "2", "3"], "afreq": [0.2, 0.3, 0.5], "mutation": None}
        ],
        "pm": [{"id": "V1", "sex": 1, "genotypes": {"L1": ["1", "2"]}}],
        "am": [
            {
                "family": "F1",
                "pedigree": [
                    {"id": "R1", "fid": None, "mid": None, "sex": 1},
                    {"id": "MO", "fid": None, "mid": None, "sex": 2},
                    {"id": "M1", "fid": "R1", "mid": "MO", "sex": 1},
                ],
                "genotypes": {"R1": {"L1": ["1", None]}},
                "founderInbreeding": None,
            }
        ],
        "missing": ["M1"],
        "references": ["R1"],
        "pairings": None,
        "marker_overrides": None,
    }


def test_minimal_document_parses() -> None:
    prob = parse_problem(_doc(), sha256="abc")
    fam = prob.families[0]
    assert fam.missing == ("M1",)
    assert fam.references == ("R1",)
    np.testing.assert_array_equal(fam.genotypes[0, 0], [0, -1])
    assert prob.source_sha256 == "abc"


def _broken(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(_doc())
    node: Any = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("pm", 0, "genotypes", "L1"), ["1", "7"], "victim 'V1', marker 'L1': unknown allele '7'"),
        (("pm", 0, "genotypes"), {"L9": ["1", "2"]}, "victim 'V1': unknown marker 'L9'"),
        (("pm", 0, "genotypes", "L1"), ["1"], "a genotype must be a pair of alleles"),
        (
            ("am", 0, "genotypes", "R1", "L1"),
            ["4", "1"],
            "family 'F1', individual 'R1', marker 'L1': unknown allele '4'",
        ),
        (("am", 0, "pedigree", 2, "fid"), "XX", "family 'F1': the father of 'M1', 'XX', is not"),
        (("markers", 0, "afreq"), [0.2, 0.3, 0.4], "marker 'L1': allele frequencies sum to 0.9"),
        (
            ("markers", 0, "mutation"),
            {"female": {"matrix": [[1, 0], [0, 1]]}, "male": {"matrix": [[1, 0], [0, 1]]}},
            "marker 'L1': female mutation matrix has shape",
        ),
        (
            ("markers", 0, "mutation"),
            {
                "female": {"matrix": [[0.5, 0.4, 0], [0, 1, 0], [0, 0, 1]]},
                "male": {"matrix": [[1, 0, 0], [0, 1, 0], [0, 0, 1]]},
            },
            "marker 'L1': row '1' of the female mutation matrix sums to 0.9",
        ),
        (("am", 0, "pedigree", 1, "id"), "R1", "family 'F1': individual 'R1' appears twice"),
        (("missing",), ["M1", "M9"], "missing person 'M9' is not in any family"),
        (("pm", 0, "id"), "M1", "missing person id 'M1' clashes with a victim id"),
        (("pairings",), {"V1": ["*", "R1"]}, "pairings of victim 'V1' name 'R1'"),
        (("am", 0, "pedigree", 0, "sex"), 3, "individual 'R1': sex must be 0, 1 or 2"),
        (("format",), "other", "unsupported format"),
    ],
)
def test_malformed_documents_name_what_is_wrong(
    path: tuple[Any, ...], value: Any, message: str
) -> None:
    with pytest.raises(ProblemFormatError, match=message):
        parse_problem(_broken(path, value))


def test_missing_person_with_genotypes_is_rejected() -> None:
    doc = _broken(("am", 0, "genotypes", "M1"), {"L1": ["1", "1"]})
    with pytest.raises(ProblemFormatError, match="missing person 'M1' has genotypes"):
        parse_problem(doc)


def test_founder_inbreeding_is_refused() -> None:
    with pytest.raises(KinshipError, match="family 'F1': founder inbreeding is not supported"):
        parse_problem(_broken(("am", 0, "founderInbreeding"), {"R1": 0.1}))


def test_load_problem_reports_invalid_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ProblemFormatError, match=r"bad\.json is not valid JSON"):
        load_problem(bad)
