"""Tests for ``exhume kinship solve`` (src/exhume/cli/kinship.py)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from exhume.cli import main
from exhume.cli.kinship import kinship
from exhume.kinship.dvi import make_context
from exhume.kinship.dvijson_write import problem_document
from exhume.kinship.dvisim import simulate_dvi
from exhume.kinship.solve import solve
from tests.kinship.test_dvi import marker, problem_dict

KEYS = ["loglik0", "pairwise_lr", "exclusions", "joint", "posterior_pairing", "conclusions",
        "pedigree_check", "provenance"]  # fmt: skip


def run(*args: str) -> Any:
    """Invoke the CLI; return the click result."""
    return CliRunner().invoke(main, ["kinship", "solve", *args])


def test_kinship_group_is_importable_and_registered() -> None:
    assert main.get_command(None, "kinship") is kinship  # type: ignore[arg-type]
    assert "solve" in kinship.commands


def test_solve_prints_the_documented_json(dvi_examples: Path) -> None:
    result = run(str(dvi_examples / "example2.json"), "--top", "3")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert list(out) == KEYS
    assert out["pairwise_lr"] == {
        "rows": ["V1", "V2", "V3"],
        "cols": ["M1", "M2", "M3"],
        "matrix": [[pytest.approx(1.0), 0.0, None], [pytest.approx(1.0), pytest.approx(5.0),
                   None], [None, None, pytest.approx(5.0)]],
    }  # fmt: skip
    assert out["exclusions"]["matrix"] == [[0, 1, None], [0, 0, None], [None, None, 0]]
    joint = out["joint"]
    assert (joint["method"], joint["n_assignments"], len(joint["rows"])) == ("exhaustive", 14, 3)
    assert joint["rows"][0]["assignment"] == {"V1": "M1", "V2": "M2", "V3": "M3"}
    assert joint["rows"][0]["loglik"] == pytest.approx(-16.118095650958317, rel=1e-12)
    assert joint["rows"][0]["lr"] == pytest.approx(250, rel=1e-12)
    assert out["posterior_pairing"]["cols"] == ["M1", "M2", "M3", "*"]
    assert out["posterior_pairing"]["matrix"][0] == pytest.approx([0.87931034, 0, 0, 0.12068966])
    assert [c["missing"] for c in out["conclusions"]] == ["M1", "M2", "M3"]
    prov = out["provenance"]
    assert prov["dataset"] == "example2" and len(prov["input_sha256"]) == 64
    assert prov["parameters"]["max_assignments"] == 100_000


def test_impossible_rows_have_null_loglik_and_zero_lr(dvi_examples: Path) -> None:
    result = run(str(dvi_examples / "example2.json"), "--top", "14")
    rows = json.loads(result.output)["joint"]["rows"]
    assert rows[-1]["assignment"] == {"V1": "M2", "V2": "*", "V3": "*"}
    assert (rows[-1]["loglik"], rows[-1]["lr"]) == (None, 0.0)


def test_solve_goes_stepwise_above_max_assignments(dvi_examples: Path) -> None:
    result = run(str(dvi_examples / "KETPchap484.json"), "--max-assignments", "20")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["joint"]["method"] == "stepwise"
    assert out["joint"]["rows"][0]["assignment"] == {"V1": "M1", "V2": "M2", "V3": "M3",
                                                     "V4": "M4"}  # fmt: skip
    assert out["posterior_pairing"]["matrix"][0][0] == 1.0


def _write(tmp_path: Path, doc: dict[str, Any]) -> str:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(doc))
    return str(path)


def _doc() -> dict[str, Any]:
    ped = [("R", None, None, 1), ("MO", None, None, 2), ("M", "R", "MO", 1)]
    return problem_dict(
        [marker("L1", [0.5, 0.5])],
        [("V", 1, {"L1": ["1", "2"]})],
        [("F1", ped, {"R": {"L1": ["1", "1"]}})],
        ["M"],
        ["R"],
    )


def test_malformed_pairings_give_a_one_line_error_naming_the_culprit(tmp_path: Path) -> None:
    doc = _doc()
    doc["pairings"] = {"V": ["*", "Q"]}
    result = run(_write(tmp_path, doc))
    assert result.exit_code == 65
    assert result.output == "error: pairings of victim 'V' name 'Q', not a missing person\n"


def test_unknown_allele_is_named_in_the_error(tmp_path: Path) -> None:
    doc = _doc()
    doc["pm"][0]["genotypes"] = {"L1": ["1", "7"]}
    result = run(_write(tmp_path, doc))
    assert result.exit_code == 65
    assert result.output.startswith("error: ") and result.output.count("\n") == 1
    assert "'V'" in result.output and "7" in result.output


def test_invalid_json_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    result = run(str(path))
    assert result.exit_code == 65
    assert result.output.startswith("error: broken.json is not valid JSON")


def test_impossible_reference_data_stop_with_the_family_named(tmp_path: Path) -> None:
    ped = [("R", None, None, 1), ("MO", None, None, 2), ("C", "R", "MO", 1),
           ("M", "R", "MO", 1)]  # fmt: skip
    doc = problem_dict(
        [marker("L1", [0.5, 0.5])],
        [("V", 1, {"L1": ["1", "2"]})],
        [("F1", ped, {"R": {"L1": ["1", "1"]}, "MO": {"L1": ["1", "1"]}, "C": {"L1": ["2", "2"]}})],
        ["M"],
        ["R", "MO", "C"],
    )
    result = run(_write(tmp_path, doc))
    assert result.exit_code == 1
    assert result.output.startswith("error: family 'F1': the reference data are impossible")


def test_disable_mutations_auto_applies_dvirs_na_rule(dvi_examples: Path) -> None:
    fire = str(dvi_examples / "fire.json")
    kept = json.loads(run(fire, "--top", "1").output)
    auto = json.loads(run(fire, "--top", "1", "--disable-mutations", "auto").output)
    assert kept["pairwise_lr"]["matrix"][0][0] == pytest.approx(121.347585, rel=1e-8)
    # fire's only reference is consistent without mutations, so "auto" strips the model.
    assert auto["pairwise_lr"]["matrix"][0][0] == pytest.approx(118.8070543, rel=1e-8)
    assert auto["provenance"]["parameters"]["disable_mutations"] == "auto"


def test_solve_goes_stepwise_above_max_evaluations(dvi_examples: Path) -> None:
    path = str(dvi_examples / "fire.json")
    out = json.loads(run(path, "--max-evaluations", "15").output)
    assert out["joint"]["method"] == "stepwise"
    assert out["provenance"]["parameters"]["max_evaluations"] == 15
    full = json.loads(run(path).output)
    assert full["joint"]["method"] == "exhaustive"
    assert out["joint"]["rows"][0] == full["joint"]["rows"][0]


def test_too_costly_even_stepwise_degrades_to_single_pairings_and_says_why(
    dvi_examples: Path,
) -> None:
    path = str(dvi_examples / "fire.json")
    result = run(path, "--max-evaluations", "5", "--top", "20")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    joint = out["joint"]
    assert (joint["method"], joint["n_assignments"]) == ("pairwise", 10)
    assert joint["method_reason"] == (
        "the full problem has 34 assignments needing 18 new family likelihoods, more than 5 "
        "(--max-evaluations); after exclusions and undisputed identifications (0 fixed) the "
        "rest still has 34 assignments needing 12 new family likelihoods, more than 5 "
        "(--max-evaluations), so the table holds only H0 and the 9 single pairings of the "
        "open victims"
    )
    pairwise = out["pairwise_lr"]
    for row in joint["rows"]:
        placed = [(v, m) for v, m in row["assignment"].items() if m != "*"]
        if not placed:
            assert row["lr"] == pytest.approx(1.0, rel=1e-12)
            continue
        ((v, m),) = placed
        lr = pairwise["matrix"][pairwise["rows"].index(v)][pairwise["cols"].index(m)]
        assert row["lr"] == pytest.approx(lr, rel=1e-12)


def test_the_method_reason_names_the_counts_of_an_exhaustive_table(dvi_examples: Path) -> None:
    out = json.loads(run(str(dvi_examples / "example2.json")).output)
    assert out["joint"]["method_reason"] == (
        "14 assignments needing 7 new family likelihoods, within --max-assignments and "
        "--max-evaluations"
    )


def test_simulate_writes_a_dvi_json_problem_and_its_truth(tmp_path: Path) -> None:
    problem, truth = tmp_path / "p.json", tmp_path / "t.json"
    args = ["kinship", "simulate", "--families", "6", "--remains", "7", "--two-missing", "1",
            "--markers", "5", "--seed", "2"]  # fmt: skip
    args += ["--dvi-json", str(problem), "--truth", str(truth)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert {k: summary[k] for k in ("families", "victims", "missing", "references", "markers")} \
        == {"families": 6, "victims": 7, "missing": 7, "references": 12, "markers": 5}  # fmt: skip
    assert summary["sha256"] == hashlib.sha256(problem.read_bytes()).hexdigest()
    known = json.loads(truth.read_text())
    assert known["problem_sha256"] == summary["sha256"]
    assert sorted(m for m in known["victims"].values() if m is not None) == sorted(
        json.loads(problem.read_text())["missing"]
    )
    assert json.loads(run(str(problem)).output)["provenance"]["input_sha256"] == summary["sha256"]


def test_simulate_needs_exactly_one_output() -> None:
    result = CliRunner().invoke(main, ["kinship", "simulate", "--families", "2", "--remains",
                                       "2", "--seed", "1"])  # fmt: skip
    assert result.exit_code == 2
    assert "give exactly one of --out (screening) and --dvi-json (DVI)" in result.output


def test_the_cli_conclusions_equal_the_library_stepwise_solver_on_a_simulated_case(
    tmp_path: Path,
) -> None:
    sim = simulate_dvi(12, 14, seed=5, n_two_missing=2)
    path = tmp_path / "sim.json"
    path.write_text(json.dumps(problem_document(sim.problem)))
    result = run(str(path), "--top", "1")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["joint"]["method"] == "stepwise"
    assert out["joint"]["method_reason"].startswith(
        "the full problem has more than 100000 assignments (--max-assignments); "
    )
    library = solve(make_context(sim.problem)).conclusions
    assert [(c["missing"], c["sample"], c["conclusion"]) for c in out["conclusions"]] == [
        (c.missing, c.sample, c.conclusion) for c in library
    ]
    named = {c.sample: c.missing for c in library if c.conclusion == "Undisputed"}
    assert named and all(sim.truth[v] == m for v, m in named.items())
