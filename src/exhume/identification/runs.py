"""An identification run over a site: the engine's search on the site's DNA, each candidate's
non-DNA factors and posterior, checked against the policy in force, recorded as one run.

The DNA comes in as the engine's own :class:`~exhume.kinship.problem.DviProblem` with two maps
from its ids to records (victim id -> remains, missing id -> missing-person report); the DNA
app's adapter builds them from the records. Nothing here computes a likelihood itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext as _

from exhume import __version__
from exhume.audit.events import Actor
from exhume.casework.models import Remains, Site
from exhume.errors import InvalidInputError
from exhume.evidence.assess import assess
from exhume.evidence.policy import PolicyResult, Reference
from exhume.evidence.posterior import default_prior_odds
from exhume.families.models import MissingPerson
from exhume.identification.actions import (
    FlagSpec,
    PairEvidence,
    do_adopt_policy,
    do_fail_run,
    do_record_run,
    do_start_run,
    policy_of,
)
from exhume.identification.factors import (
    Scope,
    journal_disagreement,
    pair_factors,
    scope_of,
)
from exhume.identification.models import FlagKind, IdentificationRun, PolicyRecord
from exhume.identification.progress import clear_progress, write_progress
from exhume.identification.search import Candidate, SearchResult, search
from exhume.kinship.defaults import DEFAULT_THRESHOLD
from exhume.kinship.problem import DviProblem

NO_REFERENCES = "no typed references in scope: nothing can be proposed"


@dataclass(frozen=True)
class SiteDna:
    """A site's DNA as the engine's problem, and which record each id stands for."""

    problem: DviProblem
    remains: dict[str, Remains]
    missing: dict[str, MissingPerson]
    parameters: dict[str, Any]  # frequency database (name, SHA-256), mutation models ...


@dataclass(frozen=True)
class Prior:
    odds: float | None = None  # None: the default, 1 / missing persons in scope
    reason: str = ""


def policy_in_force(actor: Actor) -> PolicyRecord:
    """The policy in force; the packaged default is adopted on first use."""
    record = PolicyRecord.objects.filter(in_force=True).first()
    if record is None:
        from exhume.evidence.policy import load_policy

        record = do_adopt_policy(actor, policy=load_policy(), reason="first run: the default")
    return record


def run_identification(
    actor: Actor,
    site: Site,
    dna: SiteDna,
    *,
    prior: Prior | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> IdentificationRun:
    """Start a run, search, assess every candidate, record it (see the module docstring)."""
    run = start_run(actor, site, threshold=threshold)
    return execute_run(actor, run, lambda: dna, prior=prior, threshold=threshold)


def start_run(
    actor: Actor, site: Site, *, threshold: float = DEFAULT_THRESHOLD, use: str = "case"
) -> IdentificationRun:
    """Record the run as started (``running``) under the policy in force."""
    return do_start_run(actor, site=site, policy=policy_in_force(actor), engine_version=__version__,
                        parameters={"threshold": threshold, "search": use})  # fmt: skip


def execute_run(
    actor: Actor,
    run: IdentificationRun,
    load: Callable[[], SiteDna],
    *,
    prior: Prior | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> IdentificationRun:
    """Do a started run: read the DNA (``load``), search, assess, record; progress is written
    after every stage (:mod:`exhume.identification.progress`). Any error marks the run failed,
    with the error, and is raised again."""
    done: dict[str, float] = {}

    def stage(name: str, seconds: float) -> None:
        done[name] = seconds
        write_progress(run.pk, done)

    try:
        return _execute(actor, run, load, stage, prior or Prior(), threshold)
    except BaseException as exc:
        do_fail_run(actor, run, error=f"{type(exc).__name__}: {exc}")
        raise
    finally:
        clear_progress(run.pk)


def _execute(
    actor: Actor,
    run: IdentificationRun,
    load: Callable[[], SiteDna],
    stage: Callable[[str, float], None],
    prior: Prior,
    threshold: float,
) -> IdentificationRun:
    started = time.perf_counter()
    site, policy = run.site, run.policy
    dna = load()
    records = round(time.perf_counter() - started, 3)
    stage("records", records)
    problem = dna.problem
    persons = [dna.missing[m] for m in problem.missing]
    odds, reason = _prior(prior, len(persons))
    has_references = any(f.references for f in problem.families)
    result = (
        search(problem, threshold=threshold, on_stage=stage) if has_references else SearchResult()
    )
    clock = time.perf_counter()
    scope = scope_of(site, persons)
    pairs = [_pair(dna, c, scope, policy, odds, reason) for c in result.candidates]
    known = {(a, b) for a, b, _ in result.direct_matches if _associated(dna, a, b)}
    flags = [
        _flag(dna, f.kind, f.detail, f.victim, f.missing)
        for f in result.flags
        if f.kind != "direct_match"
        or not any(f.detail.startswith(f"{a} and {b}:") for a, b in known)
    ]
    if not has_references:
        flags.append(FlagSpec(FlagKind.NO_REFERENCES, NO_REFERENCES))
    for pair in pairs:
        why = journal_disagreement(pair.remains, pair.missing_person, persons)
        if why:
            pair.flags.append("journal_disagrees")
            flags.append(FlagSpec(FlagKind.JOURNAL_DISAGREES,
                                  f"remains {pair.remains.case_number}: {why}",
                                  pair.remains, pair.missing_person))  # fmt: skip
    stage("evidence", round(time.perf_counter() - clock, 3))
    summary = {
        "bodies_typed": len(problem.victims),
        "missing_with_references": sum(len(f.missing) for f in problem.families if f.references),
        "candidates": len(pairs),
        "message": "" if has_references else NO_REFERENCES,
        "skipped_families": result.skipped_families,
        "direct_matches": [list(m) for m in result.direct_matches],
        "pairs": result.pairs,
        "pairs_computed": result.pairs_computed,
        "stages": {
            "records": records,
            **result.seconds,
            "evidence": round(time.perf_counter() - clock, 3),
        },
        "seconds": round(time.perf_counter() - started, 3),
    }
    parameters = {**run.parameters, **dna.parameters, "threshold": threshold,
                  "prior": {"odds": odds, "reason": reason}, "policy": str(policy)}  # fmt: skip
    return do_record_run(
        actor, site=site, policy=policy, parameters=parameters, engine_version=__version__,
        inputs_sha256=problem.source_sha256, pairs=pairs, flags=flags, summary=summary, run=run,
    )  # fmt: skip


def _prior(prior: Prior, n_missing: int) -> tuple[float, str]:
    if prior.odds is None:
        n = max(n_missing, 1)
        return default_prior_odds(n), f"default: 1 / {n} missing persons in scope"
    if not prior.reason.strip():
        raise InvalidInputError(_("a prior other than the default needs a reason"), field="prior")
    return prior.odds, prior.reason


def _pair(
    dna: SiteDna,
    c: Candidate,
    scope: Scope,
    policy: PolicyRecord,
    odds: float,
    reason: str,
) -> PairEvidence:
    remains, person = dna.remains[c.victim], dna.missing[c.missing]
    references = [Reference(rel) for _, rel in c.references]
    assessment = assess(
        c.log10_lr, pair_factors(remains, person, scope),
        prior_odds=odds, prior_reason=reason, references=references,
        policy=policy_of(policy), per_marker=c.per_marker,
    )  # fmt: skip
    flags = [f"{c.exclusions} excluding marker(s)"] if c.exclusions else []
    if c.pedigree_correction:
        flags.append(f"pedigree_correction: {c.pedigree_correction}")
        assessment = replace(assessment, result=PolicyResult(
            False,
            (*assessment.result.unmet, f"named only if the family's pedigree is corrected "
             f"({c.pedigree_correction}): correct the family's records, then re-run"),
            assessment.result.verbal,
        ))  # fmt: skip
    return PairEvidence(remains, person, assessment, flags)


def _associated(dna: SiteDna, a: str, b: str) -> bool:
    """Whether two remains with one profile are already recorded as one person (a body part
    tied to its body, or two parts of one body): nothing for the board to do."""
    ra, rb = dna.remains.get(a), dna.remains.get(b)
    if ra is None or rb is None:
        return False
    return (
        ra.body_id == rb.pk
        or rb.body_id == ra.pk
        or (ra.body_id is not None and ra.body_id == rb.body_id)
    )


def _flag(
    dna: SiteDna, kind: str, detail: str, victim: str | None, missing: str | None
) -> FlagSpec:
    return FlagSpec(
        kind,
        detail,
        dna.remains.get(victim) if victim else None,
        dna.missing.get(missing) if missing else None,
    )
