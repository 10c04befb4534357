"""Consent per reference sample: a history of logged statements, honoured by every export and
run (withdrawn: never used; this case only: never outside its case), shown to family liaison
without DNA, printed in Ukrainian and English."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from exhume.audit.events import Actor
from exhume.dna.consent import Scope, Use, permits
from exhume.dna.consent_actions import current, do_record_consent
from exhume.dna.dvi import do_import_dvi, export_case
from exhume.dna.models import Sample
from exhume.errors import AccessDeniedError, InvalidInputError

pytestmark = pytest.mark.django_db
LIAISON = Actor("liaison-1", "liaison")
DAY = dt.date(2022, 10, 5)


@pytest.fixture
def two_cases(actor: Any, shared_data: Path) -> tuple[Any, Any]:
    """example1 (one family, reference R1) imported as two sites, ``a`` and ``b``."""
    from exhume.casework.models import Site

    for slug in ("a", "b"):
        do_import_dvi(actor, shared_data / "dvi-examples" / "example1.json", slug=slug)
    return Site.objects.get(slug="a"), Site.objects.get(slug="b")


def consent(barcode: str, scope: str, reason: str = "", retention: str = "keep") -> Any:
    sample = Sample.objects.get(barcode=barcode)
    return do_record_consent(
        LIAISON, sample, scope=scope, retention=retention, given_on=DAY, reason=reason
    )


def test_each_scope_reaches_as_far_as_it_says_and_withdrawn_reaches_nothing() -> None:
    assert permits(None, Use.CASE) and not permits(None, Use.NATIONAL)
    assert permits(Scope.NATIONAL, Use.CASE) and permits(Scope.NATIONAL, Use.NATIONAL)
    assert not permits(Scope.NATIONAL, Use.INTERNATIONAL)
    assert permits(Scope.INTERNATIONAL, Use.INTERNATIONAL)
    assert not any(permits(Scope.WITHDRAWN, u) for u in Use.values)


def test_a_change_is_a_new_statement_with_a_reason_and_the_history_is_kept(
    two_cases: Any,
) -> None:
    first = consent("a-F1-R1", Scope.NATIONAL)
    with pytest.raises(InvalidInputError, match="a change of consent needs a reason"):
        consent("a-F1-R1", Scope.CASE)
    second = consent("a-F1-R1", Scope.CASE, reason="the mother asked by telephone")
    sample = Sample.objects.get(barcode="a-F1-R1")
    assert current(sample) == second
    assert [c.scope for c in sample.consents.all()] == [Scope.NATIONAL, Scope.CASE]
    assert first.recorded_by == "liaison-1"
    from exhume.audit.models import LogEntry

    assert LogEntry.objects.filter(record_type="dna.consent").count() == 2


def test_only_family_liaison_records_consent_and_only_for_a_reference_sample(
    two_cases: Any,
) -> None:
    sample = Sample.objects.get(barcode="a-F1-R1")
    with pytest.raises(AccessDeniedError, match="only family liaison"):
        do_record_consent(Actor("lab-1", "lab"), sample, scope="case", retention="keep",
                          given_on=DAY)  # fmt: skip
    bone = Sample.objects.get(barcode="a-V1")
    with pytest.raises(InvalidInputError, match="not a reference sample"):
        do_record_consent(LIAISON, bone, scope="case", retention="keep", given_on=DAY)
    with pytest.raises(InvalidInputError, match="in the future"):
        do_record_consent(LIAISON, sample, scope="case", retention="keep",
                          given_on=dt.date.today() + dt.timedelta(days=2))  # fmt: skip


def test_a_withdrawn_reference_is_left_out_of_the_case(two_cases: Any) -> None:
    site_a, _ = two_cases
    assert export_case(site_a).document["references"] == ["R1"]
    consent("a-F1-R1", Scope.WITHDRAWN, retention="destroy")
    export = export_case(site_a)
    assert export.document["references"] == [] and export.withheld == 1
    assert export.document["am"][0]["genotypes"] == {}


def test_a_case_only_reference_is_never_compared_outside_its_case(two_cases: Any) -> None:
    site_a, _ = two_cases
    national = export_case(site_a, use=Use.NATIONAL)
    assert [f["family"] for f in national.document["am"]] == ["F1"]  # b's R1: no consent
    consent("b-F1-R1", Scope.NATIONAL)
    national = export_case(site_a, use=Use.NATIONAL)
    assert [f["family"] for f in national.document["am"]] == ["F1", "b/F1"]
    assert ("b/F1", "M1") in national.missing
    assert export_case(site_a).document["references"] == ["R1"]  # a run in its own case
    international = export_case(site_a, use=Use.INTERNATIONAL)
    assert international.document["references"] == [] and international.withheld == 2


def test_a_file_for_another_country_holds_only_references_consented_for_it(
    two_cases: Any, tmp_path: Path
) -> None:
    import json

    from click.testing import CliRunner

    from exhume.cli import main

    out = tmp_path / "for-abroad.json"
    done = CliRunner().invoke(main, ["dna", "export-dvi", "--site", "a", "--out", str(out),
                                     "--use", "international"], catch_exceptions=False)  # fmt: skip
    assert "0 references (2 left out by consent)" in done.output  # a's and b's R1
    assert json.loads(out.read_text())["references"] == []
    consent("a-F1-R1", Scope.INTERNATIONAL)
    CliRunner().invoke(main, ["dna", "export-dvi", "--site", "a", "--out", str(out),
                              "--use", "international"], catch_exceptions=False)  # fmt: skip
    assert json.loads(out.read_text())["references"] == ["R1"]
