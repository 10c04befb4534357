"""Runs honour each reference's consent: a withdrawn reference leaves every later run, and the
decisions that relied on it go back to review, flagged, at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from exhume.audit.events import Actor
from exhume.dna.consent_actions import do_record_consent
from exhume.identification.models import Flag, FlagKind, Proposal, State
from tests.identification.conftest import ANALYST, BOARD, SYSTEM

pytestmark = pytest.mark.django_db
LIAISON = Actor("liaison-1", "liaison")


def test_a_withdrawn_consent_sends_signed_decisions_back_and_leaves_later_runs(
    shared_data: Path, policy_in_force: Any
) -> None:
    from exhume.casework.models import Site
    from exhume.dna.dvi import do_import_dvi
    from exhume.dna.models import Sample
    from exhume.evidence.policy import load_policy
    from exhume.identification.actions import do_adopt_policy, do_confirm, do_review
    from exhume.identification.dna_source import site_dna
    from exhume.identification.runs import run_identification

    do_adopt_policy(SYSTEM, policy=load_policy("icmp-example"), reason="one relative suffices")
    do_import_dvi(SYSTEM, shared_data / "dvi-examples" / "planecrash.json", slug="pc")
    site = Site.objects.get(slug="pc")
    run_identification(SYSTEM, site, site_dna(site))
    signed = do_confirm(BOARD, do_review(ANALYST, Proposal.objects.filter(policy_met=True)[0]))
    family = signed.missing_person.pedigree_member.family
    references = Sample.objects.filter(donor__family=family)
    for sample in references:
        do_record_consent(LIAISON, sample, scope="withdrawn", retention="destroy",
                          given_on=dt.date(2023, 1, 5), reason="the family asked")  # fmt: skip
    signed.refresh_from_db()
    assert signed.state == State.PROPOSED and signed.needs_review
    assert "consent for reference sample" in signed.reason
    assert Flag.objects.filter(kind=FlagKind.NEEDS_REVIEW, proposal=signed).exists()
    assert signed.remains.identified_on is None
    dna = site_dna(site)
    assert dna.parameters["references"] == {"use": "case", "withheld_by_consent": len(references)}
    assert not any(f.references for f in dna.problem.families if f.id == family.name)


def test_a_national_search_brings_only_the_other_cases_references_that_consented(
    shared_data: Path, policy_in_force: Any
) -> None:
    import json

    from click.testing import CliRunner

    from exhume.cli import main
    from exhume.dna.dvi import do_import_dvi
    from exhume.dna.models import Sample

    for slug in ("a", "b", "c"):
        do_import_dvi(SYSTEM, shared_data / "dvi-examples" / "example1.json", slug=slug)
    do_record_consent(LIAISON, Sample.objects.get(barcode="b-F1-R1"), scope="national",
                      retention="keep", given_on=dt.date(2022, 10, 5))  # fmt: skip
    out = CliRunner().invoke(main, ["identify", "--site", "a", "--search", "national", "--json"],
                             catch_exceptions=False)  # fmt: skip
    report = json.loads(out.output)
    from exhume.identification.models import IdentificationRun

    run = IdentificationRun.objects.get(pk=report["run"])
    assert run.parameters["references"] == {"use": "national", "withheld_by_consent": 1}
    assert report["missing_with_references"] == 6  # a's three and b's three; c's: this case only


def test_after_an_identification_liaison_sees_what_the_family_asked_for_its_samples(
    shared_data: Path, policy_in_force: Any, client: Any
) -> None:
    from django.contrib.auth.models import User

    from exhume.casework.models import Site
    from exhume.dna.dvi import do_import_dvi
    from exhume.dna.models import Sample
    from exhume.evidence.policy import load_policy
    from exhume.identification.actions import do_adopt_policy, do_confirm, do_review
    from exhume.identification.dna_source import site_dna
    from exhume.identification.runs import run_identification
    from tests.web.conftest import with_role

    do_adopt_policy(SYSTEM, policy=load_policy("icmp-example"), reason="one relative suffices")
    do_import_dvi(SYSTEM, shared_data / "dvi-examples" / "planecrash.json", slug="pc")
    run_identification(SYSTEM, Site.objects.get(slug="pc"), site_dna(Site.objects.get(slug="pc")))
    signed = do_confirm(BOARD, do_review(ANALYST, Proposal.objects.filter(policy_met=True)[0]))
    family = signed.missing_person.pedigree_member.family
    sample = Sample.objects.filter(donor__family=family).first()
    do_record_consent(LIAISON, sample, scope="national", retention="destroy",
                      given_on=dt.date(2022, 10, 5))  # fmt: skip
    client.force_login(with_role(User.objects.create_user("liaison-2"), "liaison"))
    page = client.get(f"/staff/proposals/{signed.pk}/").content.decode()
    assert f"{sample.barcode}: Destroy after the identification" in page
