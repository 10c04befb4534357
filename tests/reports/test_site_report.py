"""``exhume report site``: a PDF whose text carries the figures of ``exhume stats``, logged."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from exhume.cli import main
from exhume.reports.pdf import weasyprint_missing

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(bool(weasyprint_missing()), reason=str(weasyprint_missing())),
]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("EXHUME_DATA_DIR", str(folder))
    return folder


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def pdf_text(path: Path) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.slow
def test_the_izium_report_carries_the_figures_of_stats_and_its_release(
    data_dir: Path, tmp_path: Path
) -> None:
    from exhume.audit.events import Actor
    from exhume.audit.models import LogEntry
    from exhume.casework.models import BurialJournalEntry, Site
    from exhume.demo import build_demo
    from exhume.publication.releases import do_publish_release
    from exhume.reports.models import Report

    build_demo(2022)
    release = do_publish_release(Actor.system("test"), Site.objects.get(slug="izium"))
    out = tmp_path / "izium.pdf"
    made = run("report", "site", "--site", "izium", "--out", str(out))
    assert made.exit_code == 0, made.output
    stats = json.loads(run("stats", "--site", "izium", "--json").output)

    pages, text = pdf_text(out)
    assert pages >= 2
    lines = text.splitlines()
    for key, label in [("total", "Persons exhumed (total)"), ("servicemen", "Servicemen"),
                       ("children", "Children"), ("women", "Women"), ("men", "Men"),
                       ("sex_undetermined", "Sex undetermined"),
                       ("with_torture_signs", "Bodies with signs of torture"),
                       ("violent_death", "Violent deaths established")]:  # fmt: skip
        assert f"{label} {stats[key]}" in lines, (key, stats[key])
    assert f"{stats['violent_death_share'] * 100:.1f}%" in text
    assert "Release izium-1" in text and f"log of {release.tree_size}" in text
    assert "exhume verify FOLDER --key" in text
    assert not any(e.name_as_written in text for e in BurialJournalEntry.objects.all()[:50])

    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    report = Report.objects.get()
    assert (report.sha256, report.size_bytes, report.filename) == (digest, out.stat().st_size,
                                                                   "izium.pdf")  # fmt: skip
    entry = LogEntry.objects.get(record_type="reports.report", record_id=str(report.pk))
    assert entry.action == "create"
    assert digest in made.output
    assert run("verify", "--db").exit_code == 0

    if shutil.which("pdftoppm"):  # the pages render to images (poppler-utils)
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(out), str(tmp_path / "page")],
                       check=True)  # fmt: skip
        images = sorted(tmp_path.glob("page*.png"))
        assert len(images) == pages and all(p.stat().st_size > 1000 for p in images)


def test_a_site_without_a_release_says_how_to_publish_one(
    data_dir: Path, tmp_path: Path, make_site: Callable[..., Any], make_remains: Callable[..., Any]
) -> None:
    site = make_site("small")
    make_remains(site)
    make_remains(site, sex="male")
    out = tmp_path / "small.pdf"
    assert run("report", "site", "--site", "small", "--out", str(out)).exit_code == 0
    _, text = pdf_text(out)
    assert "Persons exhumed (total) 2" in text.splitlines()
    assert "No signed release of this site has been published yet" in text


def test_an_unknown_site_writes_nothing_and_logs_nothing(data_dir: Path, tmp_path: Path) -> None:
    from exhume.audit.models import LogEntry

    out = tmp_path / "none.pdf"
    result = run("report", "site", "--site", "nowhere", "--out", str(out))
    assert result.exit_code == 66
    assert "no site with slug 'nowhere'" in result.output
    assert not out.exists() and not list(tmp_path.glob(".*partial"))
    assert not LogEntry.objects.filter(record_type="reports.report").exists()


def test_a_failed_record_leaves_no_file(
    data_dir: Path, tmp_path: Path, make_site: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from exhume.audit.events import Actor
    from exhume.errors import InvalidInputError
    from exhume.reports import actions

    site = make_site("small")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise InvalidInputError("refused")

    monkeypatch.setattr(actions, "create", refuse)
    out = tmp_path / "r.pdf"
    with pytest.raises(InvalidInputError):
        actions.do_record_report(Actor.system("t"), site=site, kind="site", pdf=b"%PDF", out=out)
    assert not out.exists() and not list(tmp_path.glob(".*partial"))
