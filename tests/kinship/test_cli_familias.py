"""``exhume kinship familias-import / familias-export / frequencies-import``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from exhume.cli import main
from exhume.kinship.dvijson import load_problem
from exhume.kinship.dvijson_write import problem_document
from tests.kinship.test_familias import CASE_LINES


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_a_dvi_problem_goes_to_fam_and_back(dvi_examples: Path, tmp_path: Path) -> None:
    fam, back, again = tmp_path / "pc.fam", tmp_path / "pc.json", tmp_path / "again.fam"
    code, out = run("kinship", "familias-export", str(dvi_examples / "planecrash.json"),
                    "--out", str(fam))  # fmt: skip
    assert code == 0, out
    assert fam.read_bytes().count(b"\r\n") > 100  # Familias runs on Windows
    code, out = run("kinship", "familias-import", str(fam), "--out", str(back))
    assert code == 0, out
    assert "DVI problem: 8 victims, 5 families" in out
    assert run("kinship", "familias-export", str(back), "--out", str(again))[0] == 0
    assert again.read_bytes() == fam.read_bytes()
    solved = run("kinship", "solve", str(back))
    assert solved[0] == 0 and json.loads(solved[1])["pairwise_lr"]["cols"][0] == "Missing M1"


def test_a_case_file_goes_to_json_and_back(tmp_path: Path) -> None:
    src, doc, fam = tmp_path / "case.fam", tmp_path / "case.json", tmp_path / "out.fam"
    src.write_text(CASE_LINES, encoding="utf-8")
    code, out = run("kinship", "familias-import", str(src), "--out", str(doc))
    assert code == 0 and "case: 3 persons, 2 pedigrees" in out
    assert json.loads(doc.read_text())["format"] == "kinship-lr-json v1"
    code, out = run("kinship", "lr", str(doc))
    assert code == 0, out
    assert set(json.loads(out)["lr"]) == {"H1:H2", "H2:H2"}
    assert run("kinship", "familias-export", str(doc), "--out", str(fam))[0] == 0
    code, _ = run("kinship", "familias-import", str(fam), "--out", str(tmp_path / "2.json"))
    assert code == 0
    first, second = json.loads(doc.read_text()), json.loads((tmp_path / "2.json").read_text())
    for key in ("name", "description"):  # they name the file read
        del first[key], second[key]
    assert second == first


def test_the_database_of_a_fam_file_goes_to_the_long_csv(tmp_path: Path) -> None:
    src, csv = tmp_path / "case.fam", tmp_path / "db.csv"
    src.write_text(CASE_LINES, encoding="utf-8")
    assert run("kinship", "familias-import", str(src), "--out", str(csv))[0] == 0
    assert csv.read_text().splitlines()[1] == "synthetic,M1,10,0.2,"


def test_a_truncated_file_exits_with_the_line(tmp_path: Path) -> None:
    src = tmp_path / "cut.fam"
    src.write_text("\n".join(CASE_LINES.splitlines()[:20]), encoding="utf-8")
    code, out = run("kinship", "familias-import", str(src), "--out", str(tmp_path / "x.json"))
    assert code == 65
    assert "cut.fam, line 21: the file ends where" in out


def test_frequencies_import_writes_the_long_csv(tmp_path: Path) -> None:
    src, csv = tmp_path / "db.txt", tmp_path / "db.csv"
    src.write_text("Allele\tM1\n1\t0.4\n2\t0.6\n", encoding="utf-8")
    code, out = run(
        "kinship", "frequencies-import", str(src), "--population", "P", "--out", str(csv)
    )
    assert code == 0, out
    assert csv.read_text().splitlines() == ["population,marker,allele,frequency,n", "P,M1,1,0.4,",
                                            "P,M1,2,0.6,"]  # fmt: skip


def test_an_exported_problem_keeps_the_documents_content(
    dvi_examples: Path, tmp_path: Path
) -> None:
    fam, back = tmp_path / "f.fam", tmp_path / "f.json"
    run("kinship", "familias-export", str(dvi_examples / "fire.json"), "--out", str(fam))
    run("kinship", "familias-import", str(fam), "--out", str(back))
    doc = problem_document(load_problem(back))
    assert [m["name"] for m in doc["markers"]] == [
        m.name for m in load_problem(dvi_examples / "fire.json").markers
    ]
