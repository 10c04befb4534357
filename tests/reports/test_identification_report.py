"""``exhume report identification``: the board's report, as issued, printed to a PDF whose
SHA-256 is logged; the PDF's text carries the report and its pages render to images."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import Group, User

from exhume.cli import main
from exhume.reports.pdf import weasyprint_missing
from tests.identification.conftest import (
    ANALYST,
    BOARD,
    assessment,
    make_person,
    policy_in_force,
    record_run,
)

__all__ = ["make_person", "policy_in_force", "record_run"]  # fixtures of the board's tests

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(bool(weasyprint_missing()), reason=str(weasyprint_missing())),
]


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("EXHUME_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def identified(make_site: Any, make_remains: Any, make_person: Any, record_run: Any) -> Any:
    """A proposal reviewed, confirmed and identified, its report issued."""
    from exhume.identification.actions import do_confirm, do_review
    from exhume.identification.models import Proposal
    from exhume.identification.report import issue_report

    site = make_site("lisova")
    remains = make_remains(site, case_number="LP-2022-0042")
    person = make_person("Ткаченко", given_name="Оксана")
    record_run(site, [(remains, person, assessment())])
    proposal = Proposal.objects.get(remains=remains, missing_person=person)
    proposal, sha = issue_report(BOARD, do_confirm(BOARD, do_review(ANALYST, proposal)))
    return proposal, sha


def account(name: str, role: str) -> str:
    User.objects.create_user(name).groups.add(Group.objects.get(name=role))
    return name


def print_report(pk: int, out: Path, user: str) -> Any:
    args = ["report", "identification", "--proposal", str(pk), "--out", str(out), "--as", user]
    return CliRunner().invoke(main, args)


def pdf_text(path: Path) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_issued_report_prints_to_a_logged_pdf(identified: Any, tmp_path: Path) -> None:
    from exhume.audit.models import LogEntry
    from exhume.reports.models import Report

    proposal, issued_sha = identified
    out = tmp_path / "identification.pdf"
    made = print_report(proposal.pk, out, account("judge", "board"))
    assert made.exit_code == 0, made.output
    pages, text = pdf_text(out)
    flat = " ".join(text.split())
    assert "Identification report" in flat and "LP-2022-0042" in flat
    assert "Ткаченко" in flat and "analyst-1" in flat and "board-1" in flat
    assert "DRAFT" not in flat
    assert "Printed from the identification report issued with SHA-256" in flat
    assert issued_sha in "".join(text.split())  # a long hash may wrap across lines
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    report = Report.objects.get()
    assert (report.kind, report.sha256, report.record) == (
        "identification", digest, f"identification.proposal:{proposal.pk}"
    )  # fmt: skip
    entry = LogEntry.objects.get(record_type="reports.report", record_id=str(report.pk))
    assert (entry.action, entry.actor, entry.actor_role) == ("create", "judge", "board")
    assert digest in made.output
    assert CliRunner().invoke(main, ["verify", "--db"]).exit_code == 0
    if shutil.which("pdftoppm"):  # the pages render to images (poppler-utils)
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(out), str(tmp_path / "page")],
                       check=True)  # fmt: skip
        images = sorted(tmp_path.glob("page*.png"))
        assert len(images) == pages and all(p.stat().st_size > 1000 for p in images)


def test_a_role_that_may_not_see_identifications_gets_no_pdf(
    identified: Any, tmp_path: Path
) -> None:
    from exhume.reports.models import Report

    proposal, _ = identified
    out = tmp_path / "x.pdf"
    made = print_report(proposal.pk, out, account("digger", "field"))
    assert made.exit_code == 77 and "(identification)" in made.output
    assert not out.exists() and not Report.objects.exists()


def test_a_report_not_yet_issued_prints_as_a_draft(
    make_site: Any, make_remains: Any, make_person: Any, record_run: Any, tmp_path: Path
) -> None:
    from exhume.identification.models import Proposal

    site = make_site("lisova")
    remains, person = make_remains(site), make_person()
    record_run(site, [(remains, person, assessment())])
    proposal = Proposal.objects.get()
    out = tmp_path / "draft.pdf"
    made = print_report(proposal.pk, out, account("inv", "investigator"))
    assert made.exit_code == 0, made.output
    flat = " ".join(pdf_text(out)[1].split())
    assert "DRAFT" in flat and "has not been issued" in flat


def test_it_prints_with_the_servers_static_storage_before_any_server_ran(
    identified: Any, tmp_path: Path, settings: Any
) -> None:
    # the report names its stylesheet through the collected manifest, which only `exhume
    # serve` made: on a fresh data folder (after `exhume demo`) the command failed with
    # "Missing staticfiles manifest entry for 'exhume/site.css'"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path / "static"  # nothing collected yet
    proposal, _ = identified
    out = tmp_path / "identification.pdf"
    made = print_report(proposal.pk, out, account("judge", "board"))
    assert made.exit_code == 0, made.output
    assert (tmp_path / "static" / "staticfiles.json").is_file() and out.stat().st_size > 1000
