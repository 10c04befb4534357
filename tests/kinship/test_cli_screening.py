"""``exhume kinship simulate|screen|evaluate`` and ``exhume bench screening``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
from click.testing import CliRunner

from exhume import __version__
from exhume.cli import main


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _simulate(tmp_path: Path) -> tuple[Path, Path]:
    scenario, truth = tmp_path / "s.npz", tmp_path / "t.json"
    res = run("kinship", "simulate", "--families", "80", "--remains", "30",
              "--related-fraction", "0.5", "--markers", "8", "--seed", "3",
              "--out", str(scenario), "--truth", str(truth))  # fmt: skip
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert summary["sha256"] == hashlib.sha256(scenario.read_bytes()).hexdigest()
    assert (summary["families"], summary["remains"], summary["markers"]) == (80, 30, 8)
    return scenario, truth


def test_simulate_screen_and_evaluate_write_the_documented_json(tmp_path: Path) -> None:
    scenario, truth = _simulate(tmp_path)
    out = tmp_path / "r.json"
    res = run("kinship", "screen", str(scenario), "--top", "3", "--threshold", "100",
              "--out", str(out), "--full-matrix", "--no-progress")  # fmt: skip
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text())
    assert list(doc) == ["format", "version", "provenance", "remains", "pairs", "skipped",
                         "full_matrix"]  # fmt: skip
    prov = doc["provenance"]
    assert prov["exhume_version"] == __version__
    assert prov["parameters"]["top"] == 3 and prov["parameters"]["threshold"] == 100.0
    assert prov["frequency_source"]["name"] == "builtin-synthetic-23"
    assert prov["scenario"]["sha256"] == hashlib.sha256(scenario.read_bytes()).hexdigest()
    assert prov["scenario"]["seed"] == 3
    assert len(doc["remains"]) == 30
    assert all(len(r["top"]) <= 3 for r in doc["remains"])
    matrix = np.load(tmp_path / doc["full_matrix"])
    assert matrix.shape == (30, 80)
    first = doc["remains"][0]["top"][0]
    assert abs(float(matrix[0, first["family_index"]]) - first["log10_lr"]) < 1e-4
    assert all(x >= 2.0 for x in doc["pairs"]["log10_lr"])
    res = run("kinship", "evaluate", str(scenario), str(out), "--truth", str(truth))
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert report["bodies_with_family_present"] > 5
    assert report["recall_at_1"]["share"] > 0.8
    assert set(report["false_positive_share"]) == {"2", "3", "4", "5", "6"}


def test_a_scenario_with_two_missing_persons_names_each_candidate(tmp_path: Path) -> None:
    scenario, truth, out = tmp_path / "s.npz", tmp_path / "t.json", tmp_path / "r.json"
    res = run("kinship", "simulate", "--families", "60", "--remains", "30",
              "--related-fraction", "0.6", "--markers", "23", "--seed", "4",
              "--two-missing", "20", "--out", str(scenario), "--truth", str(truth))  # fmt: skip
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert (summary["families"], summary["missing"], summary["two_missing"]) == (60, 80, 20)
    res = run("kinship", "screen", str(scenario), "--top", "2", "--threshold", "100",
              "--out", str(out), "--full-matrix", "--no-progress")  # fmt: skip
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["missing"] == 80
    doc = json.loads(out.read_text())
    assert np.load(tmp_path / doc["full_matrix"]).shape == (30, 80)
    truth_doc = json.loads(truth.read_text())
    seconds = 0
    for r in doc["remains"]:
        want = truth_doc["remains_missing"][r["index"]]
        best = r["top"][0]
        assert best["family"] == f"F{best['family_index']:06d}"
        assert best["missing_person"].startswith(f"MP{best['family_index']:06d}")
        if want is not None and "-" in r["top"][0]["missing_person"]:
            seconds += best["missing_index"] == want
    assert seconds >= 3  # a family's second missing person (MP...-FA, MP...-SP) named
    assert len(doc["pairs"]["missing_index"]) == len(doc["pairs"]["family"])
    res = run("kinship", "evaluate", str(scenario), str(out), "--truth", str(truth))
    report = json.loads(res.output)
    assert report["recall_at_1"]["share"] > 0.8
    assert report["recall_at_1_two_missing"]["n"] > 5


def test_simulate_needs_a_population_with_a_frequency_file(tmp_path: Path) -> None:
    csv = tmp_path / "f.csv"
    csv.write_text("population,marker,allele,frequency\nA,TH01,6,1.0\n")
    res = CliRunner().invoke(main, ["kinship", "simulate", "--families", "2", "--remains", "1",
                                    "--seed", "1", "--out", str(tmp_path / "s.npz"),
                                    "--frequencies", str(csv)])  # fmt: skip
    assert res.exit_code == 2
    assert "--frequencies needs --population" in res.output


def test_simulate_reports_a_bad_argument_as_a_validation_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["kinship", "simulate", "--families", "2", "--remains", "10",
                                    "--related-fraction", "1", "--seed", "1",
                                    "--out", str(tmp_path / "s.npz")])  # fmt: skip
    assert res.exit_code == 65
    assert "field 'related_fraction'" in res.output


def test_bench_screening_prints_the_documented_figures() -> None:
    res = run("bench", "screening", "--remains", "20", "--missing", "100", "--markers", "5",
              "--json")  # fmt: skip
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    for key in ("remains", "missing", "markers", "seconds", "baseline_seconds", "ratio",
                "peak_rss_bytes", "pairs_per_second"):  # fmt: skip
        assert key in report
    assert (report["remains"], report["missing"], report["markers"]) == (20, 100, 5)
    assert report["peak_rss_bytes"] > 0
    assert "recall_at_1" in report["accuracy"]


def test_screen_with_a_cache_builds_tables_once_and_writes_the_same_result(
    tmp_path: Path,
) -> None:
    scenario, _ = _simulate(tmp_path)
    outs = [tmp_path / f"r{k}.json" for k in range(3)]
    base = ["kinship", "screen", str(scenario), "--top", "3", "--no-progress"]
    plain = run(*base, "--out", str(outs[0]))
    first = run(*base, "--out", str(outs[1]), "--cache", str(tmp_path / "cache"))
    second = run(*base, "--out", str(outs[2]), "--cache", str(tmp_path / "cache"))
    assert plain.exit_code == first.exit_code == second.exit_code == 0, first.output
    assert json.loads(first.output)["tables_built"] == 80 - json.loads(plain.output)["skipped"]
    assert json.loads(second.output)["tables_built"] == 0
    docs = [json.loads(p.read_text()) for p in outs]
    assert docs[0]["remains"] == docs[1]["remains"] == docs[2]["remains"]
    assert docs[0]["pairs"] == docs[2]["pairs"]
