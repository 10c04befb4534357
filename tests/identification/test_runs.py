"""Runs over a site from the engine's problem: proposals match the solver, nothing is proposed
without references, flags surface, and a re-run leaves signed identifications alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from exhume.identification.models import Flag, FlagKind, Proposal
from exhume.identification.runs import NO_REFERENCES, SiteDna, run_identification
from exhume.identification.search import PROPOSING
from exhume.kinship.dvi import make_context
from exhume.kinship.dvijson import load_problem
from exhume.kinship.problem import DviProblem
from exhume.kinship.solve import solve
from tests.identification.conftest import SYSTEM


def _site_dna(problem: DviProblem, make_site: Any, make_person: Any) -> tuple[Any, SiteDna]:
    from exhume.casework.actions import do_record_remains

    site = make_site(problem.dataset.lower() or "dvi")
    sexes = {0: "undetermined", 1: "male", 2: "female"}
    remains = {
        v.id: do_record_remains(SYSTEM, site=site, case_number=v.id,
                                exhumed_on=dt.date(2022, 9, 16), sex=sexes[v.sex])
        for v in problem.victims
    }  # fmt: skip
    missing = {}
    for fam in problem.families:
        for m in fam.missing:
            sex = int(fam.pedigree.sex[fam.pedigree.ids.index(m)])
            missing[m] = make_person(f"Особа {m}", sex=sexes[sex])
    return site, SiteDna(problem, remains, missing, {"frequencies": problem.dataset})


@pytest.fixture
def planecrash(shared_data: Path) -> DviProblem:
    return load_problem(shared_data / "dvi-examples" / "planecrash.json")


def test_a_run_proposes_exactly_the_solvers_conclusions(
    planecrash: DviProblem, make_site: Any, make_person: Any, policy_in_force: Any
) -> None:
    site, dna = _site_dna(planecrash, make_site, make_person)
    run = run_identification(SYSTEM, site, dna)
    solved = solve(make_context(planecrash)).conclusions
    expected = {(c.sample, c.missing) for c in solved if c.conclusion in PROPOSING}
    got = {(p.remains.case_number, next(k for k, v in dna.missing.items()
                                        if v == p.missing_person))
           for p in Proposal.objects.filter(run=run)}  # fmt: skip
    assert got == expected and len(got) >= 3
    assert run.summary["bodies_typed"] == len(planecrash.victims)
    assert run.inputs_sha256 == planecrash.source_sha256


def test_a_run_without_references_proposes_nothing_and_says_so(
    planecrash: DviProblem, make_site: Any, make_person: Any, policy_in_force: Any
) -> None:
    bare = replace(
        planecrash,
        families=tuple(replace(f, references=()) for f in planecrash.families),
        references=(),
    )
    site, dna = _site_dna(bare, make_site, make_person)
    run = run_identification(SYSTEM, site, dna)
    assert not Proposal.objects.exists()
    assert run.summary["message"] == NO_REFERENCES
    assert Flag.objects.filter(kind=FlagKind.NO_REFERENCES, run=run).count() == 1


def test_a_rerun_keeps_signed_identifications_that_still_hold(
    planecrash: DviProblem, make_site: Any, make_person: Any, policy_in_force: Any
) -> None:
    from exhume.evidence.policy import load_policy
    from exhume.identification.actions import do_adopt_policy, do_confirm, do_review
    from tests.identification.conftest import ANALYST, BOARD

    do_adopt_policy(SYSTEM, policy=load_policy("icmp-example"), reason="one relative suffices")
    site, dna = _site_dna(planecrash, make_site, make_person)
    run_identification(SYSTEM, site, dna)
    strong = list(Proposal.objects.filter(policy_met=True))
    assert len(strong) >= 2
    for p in strong:
        do_confirm(BOARD, do_review(ANALYST, p))
    run_identification(SYSTEM, site, dna)
    states = set(Proposal.objects.filter(pk__in=[p.pk for p in strong]).values_list(
        "state", flat=True))  # fmt: skip
    assert states <= {"confirmed"}
    assert Proposal.objects.count() == len({(p.remains_id, p.missing_person_id)
                                            for p in Proposal.objects.all()})  # fmt: skip


def test_a_rerun_on_unchanged_records_writes_no_proposal_again(
    planecrash: DviProblem, make_site: Any, make_person: Any, policy_in_force: Any
) -> None:
    from exhume.audit.models import LogEntry

    site, dna = _site_dna(planecrash, make_site, make_person)
    first = run_identification(SYSTEM, site, dna)
    versions = dict(Proposal.objects.values_list("pk", "version"))
    entries = LogEntry.objects.count()
    second = run_identification(SYSTEM, site, dna)
    assert second.summary["proposals"] == first.summary["proposals"]
    assert second.summary["proposals_unchanged"] == len(versions) >= 3
    assert dict(Proposal.objects.values_list("pk", "version")) == versions
    flags = second.flags.count()
    assert LogEntry.objects.count() - entries == 2 + flags  # the run started and ended, its flags
