"""``exhume import``: all rows or none, every bad row named, idempotent, one log entry each."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from exhume.cli import main

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
KINDS = ("graves", "journal", "remains", "missing-persons", "relatives")


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def site(make_site: Callable[..., Any]) -> Any:
    return make_site("example")


def counts() -> dict[str, int]:
    from exhume.audit.models import LogEntry
    from exhume.casework.models import BurialJournalEntry, Grave, Remains
    from exhume.families.models import MissingPerson
    from exhume.imports.models import ImportBatch

    return {
        "graves": Grave.objects.count(),
        "journal": BurialJournalEntry.objects.count(),
        "remains": Remains.objects.count(),
        "missing": MissingPerson.objects.count(),
        "batches": ImportBatch.objects.count(),
        "log": LogEntry.objects.count(),
    }


def import_examples(*kinds: str) -> None:
    for kind in kinds:
        result = run("import", kind, str(EXAMPLES / f"{kind}.csv"), "--site", "example")
        assert result.exit_code == 0, result.output


def test_every_example_file_imports(site: Any) -> None:
    import_examples(*KINDS)
    # relatives: 3 families, 10 pedigree members (4 relatives, 3 missing persons, 3 connecting
    # parents), 4 members corrected as parents were placed above them
    assert counts() == {"graves": 5, "journal": 5, "remains": 6, "missing": 3, "batches": 5,
                        "log": 1 + 5 + 5 + 6 + 3 + (3 + 10 + 4) + 5}  # fmt: skip


def test_each_import_is_one_batch_whose_log_entry_names_the_files_sha256(site: Any) -> None:
    import hashlib

    from exhume.audit.models import LogEntry

    import_examples("graves")
    digest = hashlib.sha256((EXAMPLES / "graves.csv").read_bytes()).hexdigest()
    (entry,) = LogEntry.objects.filter(record_type="imports.importbatch")
    assert entry.reason == f"graves import of the file with sha256 {digest}"
    assert "graves.csv" not in entry.leaf  # the public log names the file by hash only


def test_a_child_aged_40_is_refused_naming_the_row_and_nothing_is_written(
    site: Any, tmp_path: Path
) -> None:
    import_examples("graves")
    before = counts()
    bad = tmp_path / "remains.csv"
    text = (EXAMPLES / "remains.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace("female,child,8,10", "female,child,40,45"), encoding="utf-8")
    result = run("import", "remains", str(bad), "--site", "example")
    assert result.exit_code == 2
    assert "row 5, column age_class, value 'child': age class 'child' contradicts" in result.output
    assert counts() == before


def test_every_bad_row_is_listed(site: Any, tmp_path: Path) -> None:
    bad = tmp_path / "graves.csv"
    bad.write_text("grave_number,kind,latitude\n1,pit,49.1\n2,individual,north\n,individual,\n"
                   "4,individual,49.2\n4,individual,49.2\n", encoding="utf-8")  # fmt: skip
    result = run("import", "graves", str(bad), "--site", "example")
    assert result.exit_code == 2
    lines = [ln.strip() for ln in result.output.splitlines()[1:]]
    assert lines == [
        "row 2, column kind, value 'pit': must be one of individual, collective",
        "row 3, column latitude, value 'north': must be a number",
        "row 4, column grave_number, value '': required",
        "row 6, column grave_number, value '4': the same record as row 5",
    ]
    assert counts()["graves"] == 0


def test_reimporting_the_same_file_changes_no_record(site: Any) -> None:
    import_examples("graves", "remains")
    before = counts()
    result = run("import", "remains", str(EXAMPLES / "remains.csv"), "--site", "example")
    assert "0 new, 0 corrected, 6 unchanged" in result.output
    after = counts()
    assert after["remains"] == before["remains"]
    assert after["log"] == before["log"] + 1  # the import itself, nothing else


def test_a_changed_row_becomes_a_correction_with_the_file_as_reason(
    site: Any, tmp_path: Path
) -> None:
    import hashlib

    from exhume.audit.models import LogEntry
    from exhume.casework.models import Remains

    import_examples("graves", "remains")
    changed = tmp_path / "remains-v2.csv"
    text = (EXAMPLES / "remains.csv").read_text(encoding="utf-8")
    changed.write_text(text.replace("female,adult,40,50", "female,adult,42,50"), encoding="utf-8")
    result = run("import", "remains", str(changed), "--site", "example")
    assert "0 new, 1 corrected, 5 unchanged" in result.output
    record = Remains.objects.get(case_number="EX-0001")
    assert (record.age_min, record.version) == (42, 2)
    entry = LogEntry.objects.filter(record_type="casework.remains", record_id=str(record.pk)).last()
    digest = hashlib.sha256(changed.read_bytes()).hexdigest()
    assert entry is not None and entry.action == "correct"
    assert entry.reason == f"remains import of the file with sha256 {digest}"


def test_a_journal_line_whose_grave_no_grave_bears_is_kept_untied(site: Any) -> None:
    from exhume.casework.models import BurialJournalEntry

    import_examples("graves", "journal")
    assert BurialJournalEntry.objects.get(grave_number="77").grave is None
    assert BurialJournalEntry.objects.get(grave_number="1").grave is not None


def test_a_windows_1251_file_is_refused_unless_declared(site: Any, tmp_path: Path) -> None:
    legacy = tmp_path / "journal.csv"
    legacy.write_bytes((EXAMPLES / "journal.csv").read_text(encoding="utf-8").encode("cp1251"))
    refused = run("import", "journal", str(legacy), "--site", "example")
    assert refused.exit_code == 65
    assert "it looks like Windows-1251" in refused.output and "--encoding cp1251" in refused.output
    accepted = run("import", "journal", str(legacy), "--site", "example", "--encoding", "cp1251")
    assert accepted.exit_code == 0, accepted.output
    from exhume.casework.models import BurialJournalEntry

    assert BurialJournalEntry.objects.filter(name_as_written="Коваленко Олена Петрівна").exists()


def test_semicolons_and_a_byte_order_mark_are_read(site: Any, tmp_path: Path) -> None:
    excel = tmp_path / "graves.csv"
    excel.write_bytes("\ufeffgrave_number;kind;latitude\n9;individual;49,18\n".encode())
    assert run("import", "graves", str(excel), "--site", "example").exit_code == 0
    from exhume.casework.models import Grave

    assert Grave.objects.get(grave_number="9").latitude == 49.18


def test_a_dry_run_reports_and_writes_nothing(site: Any) -> None:
    before = counts()
    result = run("import", "graves", str(EXAMPLES / "graves.csv"), "--site", "example",
                 "--dry-run")  # fmt: skip
    assert result.exit_code == 0 and "would import 5 rows: 5 new" in result.output
    assert counts() == before


def test_unknown_and_missing_columns_are_named(site: Any, tmp_path: Path) -> None:
    odd = tmp_path / "remains.csv"
    odd.write_text("case_number,colour\nEX-1,red\n", encoding="utf-8")
    result = run("import", "remains", str(odd), "--site", "example")
    assert result.exit_code == 2
    assert "row 1, column colour, value 'colour': unknown column" in result.output
    assert "row 1, column exhumed_on, value '': required column is missing" in result.output


def test_double_keying_lists_every_disagreement_and_writes_nothing(site: Any) -> None:
    import_examples("graves")
    before = counts()
    result = run("import", "journal", str(EXAMPLES / "journal.csv"), "--site", "example",
                 "--second-keying", str(EXAMPLES / "journal-second-keying.csv"))  # fmt: skip
    assert result.exit_code == 2
    assert [ln.strip() for ln in result.output.splitlines()[1:]] == [
        "page 1 line 2 name_as_written: 'Шевчук Іван Миколайович' / 'Шевчук Іван Михайлович'",
        "page 1 line 3 grave_number: '3' / '8'",
        "page 1 line 4 burial_date: '2022-04-05' / '2022-04-06'",
    ]
    assert counts() == before
    same = run("import", "journal", str(EXAMPLES / "journal.csv"), "--site", "example",
               "--second-keying", str(EXAMPLES / "journal.csv"))  # fmt: skip
    assert same.exit_code == 0 and "5 new" in same.output


def xlsx(path: Path, rows: list[list[Any]], *, merge: str | None = None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    book.save(path)
    return path


def test_an_xlsx_table_imports(site: Any, tmp_path: Path) -> None:
    import datetime as dt

    import_examples("graves")
    table = xlsx(tmp_path / "remains.xlsx", [
        ["case_number", "exhumed_on", "grave_number", "sex", "age_class"],
        ["EX-9", dt.datetime(2022, 9, 16), 1, "male", "adult"],
    ])  # fmt: skip
    result = run("import", "remains", str(table), "--site", "example")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("rows", "merge", "message"),
    [
        ([["grave_number", "kind"], ["1", "individual"], ["2", ""]], "B2:B3",
         "merged cells B2:B3"),
        ([["grave_number", "latitude"], ["1", "=40+9.18"]], None,
         "cell B2 holds a formula (=40+9.18)"),
    ],
)  # fmt: skip
def test_xlsx_merged_cells_and_formulas_are_refused_naming_the_cell(
    site: Any, tmp_path: Path, rows: list[list[Any]], merge: str | None, message: str
) -> None:
    table = xlsx(tmp_path / "graves.xlsx", rows, merge=merge)
    result = run("import", "graves", str(table), "--site", "example")
    assert result.exit_code == 65
    assert message in result.output
    assert counts()["graves"] == 0


def test_the_docs_name_every_column_of_every_kind_and_give_an_example() -> None:
    from exhume.imports.kinds import KINDS as SPECS

    docs = (EXAMPLES.parent / "imports.md").read_text(encoding="utf-8")
    for kind, spec in SPECS.items():
        assert f"### {kind}" in docs
        assert all(column in docs for column in spec.columns), kind
        header = (EXAMPLES / f"{kind}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == list(spec.columns)


def test_relatives_are_placed_in_their_familys_pedigree_and_reimport_corrects_contacts(
    site: Any, tmp_path: Path
) -> None:
    from exhume.dna.models import Family, PedigreeMember

    import_examples("missing-persons", "relatives")
    shevchuk = Family.objects.get(site=site, name="Shevchuk")
    sister = PedigreeMember.objects.get(family=shevchuk, label="SHE-S")
    missing = PedigreeMember.objects.get(family=shevchuk, missing_person__isnull=False)
    assert (sister.father_id, sister.mother_id) == (missing.father_id, missing.mother_id)
    assert sister.relative_of == missing.missing_person and sister.father_id is not None
    again = run("import", "relatives", str(EXAMPLES / "relatives.csv"), "--site", "example")
    assert "0 new, 0 corrected, 4 unchanged" in again.output
    text = (EXAMPLES / "relatives.csv").read_text(encoding="utf-8")
    changed = tmp_path / "relatives.csv"
    changed.write_text(text.replace("Izium, synthetic street 1", "Kharkiv, synthetic 2"), "utf-8")
    assert (
        "1 corrected, 3 unchanged"
        in run("import", "relatives", str(changed), "--site", "example").output
    )
    sister.refresh_from_db()
    assert (sister.contact, sister.version) == ("Kharkiv, synthetic 2", 2)


def test_a_relative_who_contradicts_the_pedigree_or_names_no_missing_person_is_refused(
    site: Any, tmp_path: Path
) -> None:
    import_examples("missing-persons", "relatives")
    before = counts()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "family,label,sex,relationship,missing_family_name,missing_given_name\n"
        "Kovalenko,KOV-F,female,mother,Коваленко,Олена\n"
        "Kovalenko,KOV-B,female,father,Коваленко,Олена\n"
        "Nobody,N-1,male,father,Немає,\n",
        encoding="utf-8",
    )
    result = run("import", "relatives", str(bad), "--site", "example")
    assert result.exit_code == 2
    assert (
        "row 2, column relationship, value 'mother': relative 'KOV-F': relationship, sex cannot "
        "be corrected here" in result.output
    )
    assert "row 3, column sex, value 'female': relative 'KOV-B': a father must be male" in (
        result.output
    )
    assert "row 4, column missing_family_name, value 'Немає': no missing person 'Немає'" in (
        result.output
    )
    assert counts() == before


def test_bad_rows_are_reported_in_ukrainian_when_asked(site: Any, tmp_path: Path) -> None:
    bad = tmp_path / "graves.csv"
    bad.write_text("grave_number,kind,latitude,depth\n1,pit,north\n", encoding="utf-8")
    header = CliRunner().invoke(
        main, ["import", "graves", str(bad), "--site", "example"], env={"EXHUME_LANGUAGE": "uk"}
    )
    assert "рядок 1, стовпець depth, значення 'depth': невідомий стовпець; стовпці такі: " \
        "grave_number, kind" in header.output  # fmt: skip
    bad.write_text("grave_number,kind,latitude\n1,pit,north\n,individual,\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["import", "graves", str(bad), "--site", "example"], env={"EXHUME_LANGUAGE": "uk"}
    )
    assert result.exit_code == 2
    lines = [ln.strip() for ln in result.output.splitlines()[1:]]
    assert lines == [  # the column names stay as the file names them
        "рядок 2, стовпець kind, значення 'pit': має бути одне з: individual, collective",
        "рядок 2, стовпець latitude, значення 'north': має бути число",
        "рядок 3, стовпець grave_number, значення '': обов’язкове",
    ]
    assert counts()["graves"] == 0
