"""``exhume identify`` on a case imported with ``exhume dna import-dvi``: the contract's JSON,
remains = victim id and missing = dvi-json missing id, compared with ``exhume kinship solve``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from exhume.cli import main
from exhume.identification.search import PROPOSING

pytestmark = pytest.mark.django_db


def _run(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = json.loads(result.output)
    return out


@pytest.mark.parametrize("example", ["planecrash", "grave"])
def test_identify_proposes_the_pairs_kinship_solve_concludes(
    shared_data: Path, example: str
) -> None:
    path = shared_data / "dvi-examples" / f"{example}.json"
    CliRunner().invoke(main, ["dna", "import-dvi", str(path), "--site", example],
                       catch_exceptions=False)  # fmt: skip
    report = _run("identify", "--site", example, "--json")
    solved = _run("kinship", "solve", str(path))
    expected = {(c["sample"], c["missing"]) for c in solved["conclusions"]
                if c["conclusion"] in PROPOSING}  # fmt: skip
    got = {(p["remains"], p["missing"]) for p in report["proposals"]}
    assert got == expected and got
    assert set(report) >= {"run", "site", "bodies_typed", "missing_with_references",
                           "proposals", "flags", "provenance"}  # fmt: skip
    first = report["proposals"][0]
    assert set(first) >= {"remains", "missing", "dna_lr", "posterior", "conclusion", "status",
                          "factors", "flags"}  # fmt: skip
    assert first["status"] == "proposed" and "dna" in first["factors"]
    assert report["provenance"]["inputs_sha256"]


def test_identify_names_an_unknown_site() -> None:
    result = CliRunner().invoke(main, ["identify", "--site", "nowhere", "--json"])
    assert result.exit_code == 66 and "no site 'nowhere'" in result.output
