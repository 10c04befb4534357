"""kinship-lr-json cases and ``exhume kinship lr``: the pedsuite's examples, bad files."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from exhume.cli import main
from exhume.errors import ProblemFormatError
from exhume.kinship.lrjson import load_case, parse_case, solve_case

EXAMPLES = ["full_siblings_15markers", "full_sibs_1marker_shared_het", "partial_genotype_trio",
            "paternity_trio_1marker", "paternity_trio_3markers_stepwise"]  # fmt: skip


@pytest.fixture(scope="module")
def lr_examples(shared_data: Path) -> Path:
    return shared_data / "kinship-lr-examples"


def approx_dict(d: dict[str, Any]) -> Any:
    return {k: approx_dict(v) if isinstance(v, dict) else pytest.approx(v, rel=1e-9)
            for k, v in d.items()}  # fmt: skip


@pytest.mark.parametrize("name", EXAMPLES)
def test_cli_reproduces_the_pedsuite_example(lr_examples: Path, name: str) -> None:
    path = lr_examples / f"{name}.json"
    expected = json.loads(path.read_text())["result"]
    result = CliRunner().invoke(main, ["kinship", "lr", str(path)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert list(out) == ["lr", "lr_per_marker", "loglik", "provenance"]
    assert out["lr"] == approx_dict(expected["LRtotal"])
    assert out["lr_per_marker"] == approx_dict(expected["LRperMarker"])
    assert out["loglik"] == approx_dict(expected["loglikTotal"])
    assert out["provenance"]["case"] == name and len(out["provenance"]["input_sha256"]) == 64


@pytest.mark.parametrize("name", EXAMPLES)
def test_per_marker_likelihoods_equal_the_pedsuite(lr_examples: Path, name: str) -> None:
    path = lr_examples / f"{name}.json"
    expected = json.loads(path.read_text())["result"]["likelihoodsPerMarker"]
    result = solve_case(load_case(path))
    for h, per in expected.items():
        row = result.loglik[result.hypotheses.index(h)]
        assert [float(x) for x in row] == pytest.approx(
            [math.log(per[m]) for m in result.markers], rel=1e-12
        )


def base_case() -> dict[str, Any]:
    """A paternity trio in kinship-lr-json v1."""
    # fmt: off
    return {
        "format": "kinship-lr-json v1",
        "name": "trio",
        "hypotheses": {
            "H1": [{"id": "AF", "fid": None, "mid": None, "sex": 1},
                   {"id": "MO", "fid": None, "mid": None, "sex": 2},
                   {"id": "CH", "fid": "AF", "mid": "MO", "sex": 1}],
            "H2": [{"id": "UF", "fid": None, "mid": None, "sex": 1},
                   {"id": "AF", "fid": None, "mid": None, "sex": 1},
                   {"id": "MO", "fid": None, "mid": None, "sex": 2},
                   {"id": "CH", "fid": "UF", "mid": "MO", "sex": 1}],
        },
        "reference_hypothesis": "H2",
        "markers": [{"name": "M1", "alleles": ["10", "11", "12", "13"],
                     "afreq": [0.1, 0.2, 0.3, 0.4], "mutation": None}],
        "genotypes": {"AF": {"M1": ["13", "12"]}, "MO": {"M1": ["10", "10"]},
                      "CH": {"M1": ["10", "12"]}},
    }
    # fmt: on


def test_a_written_case_gives_the_closed_form(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(base_case()))
    result = CliRunner().invoke(main, ["kinship", "lr", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["lr"] == {"H1:H2": pytest.approx(1 / 0.6), "H2:H2": 1.0}


def broken(change: str) -> dict[str, Any]:
    case = base_case()
    if change == "reference":
        case["reference_hypothesis"] = "H3"
    elif change == "one hypothesis":
        del case["hypotheses"]["H2"]
    elif change == "unknown parent":
        case["hypotheses"]["H1"][2]["fid"] = "XX"
    elif change == "typed outside":
        case["genotypes"]["ZZ"] = {"M1": ["10", "10"]}
    elif change == "unknown allele":
        case["genotypes"]["CH"]["M1"] = ["10", "9"]
    elif change == "unknown marker":
        case["genotypes"]["CH"]["M9"] = ["10", "10"]
    elif change == "format":
        case["format"] = "dvi-json v1"
    return case


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("reference", "'reference_hypothesis' 'H3' is not one of H1, H2"),
        ("one hypothesis", "at least two names"),
        ("unknown parent", "hypothesis 'H1': the father of 'CH', 'XX', is not in the pedigree"),
        ("typed outside", "individual 'ZZ' is typed but not in hypothesis 'H1'"),
        ("unknown allele", "individual 'CH', marker 'M1': unknown allele '9'"),
        ("unknown marker", "individual 'CH': unknown marker 'M9'"),
        ("format", "expected 'kinship-lr-json v1'"),
    ],
)
def test_it_refuses_a_bad_case_naming_what_is_wrong(change: str, message: str) -> None:
    with pytest.raises(ProblemFormatError, match=message.replace("(", r"\(")) as info:
        solve_case(parse_case(broken(change)))
    assert message in info.value.message


def test_cli_reports_bad_input_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(broken("typed outside")))
    result = CliRunner().invoke(main, ["kinship", "lr", str(path)])
    assert result.exit_code == ProblemFormatError.exit_code
    assert "individual 'ZZ' is typed but not in hypothesis 'H1'" in result.output
