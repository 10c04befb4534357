"""`exhume dna import-dvi` / `export-dvi` on an empty data folder, then `exhume kinship solve`
on the export and on the original agree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def exhume(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXHUME_", "DJANGO_"))}
    env["EXHUME_DATA_DIR"] = str(data)
    return subprocess.run(
        [sys.executable, "-c", "from exhume.cli import main; main()", *args],
        env=env, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip


def test_import_export_solve_on_an_empty_data_folder(shared_data: Path, tmp_path: Path) -> None:
    data = tmp_path / "fresh"
    original = shared_data / "dvi-examples" / "planecrash.json"
    done = exhume("dna", "import-dvi", str(original), "--site", "pc", data=data)
    assert done.returncode == 0, done.stderr
    assert "8 remains, 5 families, 5 missing persons, 5 typed relatives" in done.stdout
    out = tmp_path / "export.json"
    done = exhume("dna", "export-dvi", "--site", "pc", "--out", str(out), data=data)
    assert done.returncode == 0, done.stderr
    solved = [exhume("kinship", "solve", str(p), "--top", "0", data=data) for p in (original, out)]
    before, after = (json.loads(s.stdout)["pairwise_lr"] for s in solved)
    assert after["rows"] == before["rows"]
    lrs = {
        (v, m): x
        for r in (before,)
        for v, row in zip(r["rows"], r["matrix"], strict=True)
        for m, x in zip(r["cols"], row, strict=True)
    }
    for v, row in zip(after["rows"], after["matrix"], strict=True):
        for m, x in zip(after["cols"], row, strict=True):
            assert (x is None) == (lrs[(v, m)] is None)
            if x is not None:
                assert x == pytest.approx(lrs[(v, m)], rel=1e-9)


def test_a_bad_file_writes_nothing_and_names_the_reference(
    shared_data: Path, tmp_path: Path
) -> None:
    doc = json.loads((shared_data / "dvi-examples" / "example2.json").read_text())
    doc["references"].append("R9")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    done = exhume("dna", "import-dvi", str(bad), "--site", "x", data=tmp_path / "d")
    assert done.returncode == 65
    assert "reference 'R9' is not in any family" in done.stderr
