"""Screening a DVI problem, every missing person of every family
(src/exhume/kinship/screeningdvi.py and ``exhume kinship screen PROBLEM.json``)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from exhume.cli import main
from exhume.kinship import dvi
from exhume.kinship.dvijson_write import problem_document
from exhume.kinship.dvisim import simulate_dvi
from exhume.kinship.screening import ScreeningParams
from exhume.kinship.screeningdvi import screen_problem

PARAMS = ScreeningParams(top=3, threshold=1.0, threads=1, full_matrix=True)


def test_every_missing_person_of_a_two_missing_family_is_a_column_with_the_pairwise_lr() -> None:
    sim = simulate_dvi(5, 6, seed=4, n_two_missing=2, n_markers=8)
    problem = sim.problem
    result, built = screen_problem(problem, PARAMS)
    assert built is None and result.full is not None
    assert result.full.shape == (6, len(problem.missing)) == (6, 7)
    lrs = dvi.pairwise_lr(dvi.make_context(problem))
    for i in range(6):
        for j in range(7):
            if np.isnan(lrs[i, j]):  # sex-incompatible: never a candidate
                assert result.full[i, j] == -np.inf
            elif lrs[i, j] > 0:
                assert math.isclose(float(result.full[i, j]), math.log(lrs[i, j]), rel_tol=1e-5,
                                    abs_tol=1e-4)  # fmt: skip
    assert result.pair_body.size > 0
    for b, j, log_lr in zip(result.pair_body, result.pair_family, result.pair_log_lr, strict=True):
        assert math.isclose(log_lr, math.log(lrs[b, j]), rel_tol=1e-9)  # exact, float64
    # Both missing persons of the father-and-son families get their own body as best candidate.
    named = {problem.victims[b].id: problem.missing[int(result.top_family[b, 0])] for b in range(6)}
    two = [m for f in problem.families if len(f.missing) == 2 for m in f.missing]
    found = {v: m for v, m in named.items() if sim.truth[v] in two}
    assert found and all(sim.truth[v] == m for v, m in found.items())


def test_screen_of_a_dvi_json_problem_names_family_and_missing_person(tmp_path: Path) -> None:
    problem = simulate_dvi(4, 5, seed=8, n_two_missing=1, n_markers=10).problem
    path, out = tmp_path / "p.json", tmp_path / "r.json"
    path.write_text(json.dumps(problem_document(problem)))
    res = CliRunner().invoke(main, ["kinship", "screen", str(path), "--top", "2", "--threshold",
                                    "1e2", "--out", str(out), "--no-progress"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["missing"] == 5
    doc = json.loads(out.read_text())
    assert doc["format"] == "exhume-dvi-screening"
    first = doc["remains"][0]["top"][0]
    assert set(first) == {"family", "missing", "missing_index", "log10_lr", "exclusions"}
    assert first["missing"] == problem.missing[first["missing_index"]]
    assert len(doc["pairs"]["body"]) == len(doc["pairs"]["missing"])


def test_screen_refuses_a_full_matrix_for_a_dvi_json_problem(tmp_path: Path) -> None:
    problem = simulate_dvi(2, 2, seed=1, n_markers=3).problem
    path = tmp_path / "p.json"
    path.write_text(json.dumps(problem_document(problem)))
    res = CliRunner().invoke(main, ["kinship", "screen", str(path), "--out",
                                    str(tmp_path / "r.json"), "--full-matrix"])  # fmt: skip
    assert res.exit_code == 2
    assert "--full-matrix and --dask apply to .npz scenarios only" in res.output
