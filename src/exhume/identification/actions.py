"""Every change of state on the identification board. Each top-level ``do_*`` validates, writes
in one durable transaction and appends its log entries (one per record written).

Safety rules enforced here, each tested: a pair of incompatible sex cannot be proposed; only a
DNA analyst reviews and only a board member who is not the reviewer confirms; a proposal that
does not meet the policy in force cannot be confirmed; no two bodies are ever signed for one
person, nor two persons for one body (also a database constraint); a signed identification
whose support drops goes back to review, with a flag, never silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exhume.audit.events import Actor, append_event, latest_entry
from exhume.audit.models import Role
from exhume.audit.writes import create, full_clean
from exhume.casework.actions import do_correct_remains, record_identification
from exhume.casework.models import Remains, Site
from exhume.errors import AccessDeniedError, InvalidInputError
from exhume.evidence.assess import Assessment, reassess
from exhume.evidence.policy import Policy, policy_from_data
from exhume.families.models import MissingPerson
from exhume.identification.models import (
    OPEN,
    SIGNED,
    Decision,
    Flag,
    FlagKind,
    IdentificationRun,
    Notification,
    PolicyRecord,
    Proposal,
    Recognition,
    RemainsRelease,
    RunStatus,
    State,
    Step,
)

REVIEW_ROLES = frozenset({Role.LAB})
CONFIRM_ROLES = frozenset({Role.BOARD})


def sex_incompatible(remains: Remains, person: MissingPerson) -> bool:
    """Both sexes determined and different."""
    known = {"male", "female"}
    return remains.sex in known and person.sex in known and remains.sex != person.sex


# --- policies -------------------------------------------------------------------------------


def do_adopt_policy(actor: Actor, *, policy: Policy, reason: str) -> PolicyRecord:
    """Put ``policy`` in force (recording it if new) and re-evaluate every signed
    identification against it: one that no longer meets it goes back to review, flagged."""
    if not reason.strip():
        raise InvalidInputError(_("adopting a policy needs a reason"), field="reason")
    with transaction.atomic(durable=True):
        return _adopt(actor, policy, reason)


def _adopt(actor: Actor, policy: Policy, reason: str) -> PolicyRecord:
    for old in PolicyRecord.objects.select_for_update().filter(in_force=True):
        old.in_force = False
        _update(old, actor, reason=f"replaced by {policy.label}")
    record = PolicyRecord.objects.filter(name=policy.name, policy_version=policy.version).first()
    if record is not None and record.sha256 != policy.sha256:
        raise InvalidInputError(
            _("%(label)s was adopted before with other content; give it a new version")
            % {"label": policy.label},
            field="version",
        )
    if record is None:
        record = create(
            PolicyRecord,
            actor,
            {"name": policy.name, "policy_version": policy.version, "data": policy.data,
             "sha256": policy.sha256, "in_force": True, "adopted_at": timezone.now(),
             "adopted_by": actor.username, "reason": reason},
        )  # fmt: skip
    else:
        record.in_force = True
        _update(record, actor, reason=reason)
    for proposal in Proposal.objects.select_for_update().filter(state__in=SIGNED):
        result = reassess(proposal.evidence, policy)
        if not result.met:
            _reopen(
                proposal, actor, record,
                f"policy {policy.label} in force: " + "; ".join(result.unmet),
            )  # fmt: skip
    return record


def policy_of(record: PolicyRecord) -> Policy:
    return policy_from_data(record.data)


# --- runs and proposals ---------------------------------------------------------------------


@dataclass
class PairEvidence:
    """One candidate pair as a run found it: the assessment and any flags on it."""

    remains: Remains
    missing_person: MissingPerson
    assessment: Assessment
    flags: list[str] = field(default_factory=list)


@dataclass
class FlagSpec:
    kind: str
    detail: str
    remains: Remains | None = None
    missing_person: MissingPerson | None = None


#: Roles that may start a run (the DNA analyst, the board; the CLI and the demo as system).
RUN_ROLES = frozenset({Role.LAB, Role.BOARD, Role.ADMIN, Role.SYSTEM})


def do_start_run(
    actor: Actor,
    *,
    site: Site,
    policy: PolicyRecord,
    parameters: dict[str, Any],
    engine_version: str,
) -> IdentificationRun:
    """Record a run as started (``running``); refused while another run of the site runs.
    Runs that stopped without an outcome are marked failed first."""
    if actor.role not in RUN_ROLES:
        raise AccessDeniedError(_("only a DNA analyst or a board member starts a run"))
    with transaction.atomic(durable=True):
        _fail_stale(actor, site)
        running = IdentificationRun.objects.filter(site=site, status=RunStatus.RUNNING).first()
        if running is not None:
            raise InvalidInputError(
                _("run %(pk)s of this site is still running; wait for it to finish")
                % {"pk": running.pk},
                field="run",
            )
        return create(
            IdentificationRun,
            actor,
            {"site": site, "started_at": timezone.now(), "run_by": actor.username,
             "policy": policy, "parameters": parameters, "engine_version": engine_version,
             "inputs_sha256": "", "summary": {}, "status": RunStatus.RUNNING},
        )  # fmt: skip


def do_fail_run(actor: Actor, run: IdentificationRun, *, error: str) -> IdentificationRun:
    """Mark a running run failed, with the error (nothing it found is recorded)."""
    with transaction.atomic(durable=True):
        locked = IdentificationRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != RunStatus.RUNNING:
            return locked
        return _fail(locked, actor, error)


def do_fail_stale_runs(actor: Actor, site: Site) -> int:
    """Mark failed the site's running runs with no progress for
    :data:`~exhume.identification.progress.STALE_SECONDS` (their process died); how many."""
    with transaction.atomic(durable=True):
        return _fail_stale(actor, site)


def stale_for(run: IdentificationRun) -> float | None:
    """Seconds the running ``run`` has shown no progress when that is at least
    :data:`~exhume.identification.progress.STALE_SECONDS` (its process died), else ``None``
    (a file's time: no query)."""
    from exhume.identification.progress import STALE_SECONDS, seconds_since_progress

    if run.status != RunStatus.RUNNING:
        return None
    idle = seconds_since_progress(run.pk, run.started_at.timestamp())
    return idle if idle >= STALE_SECONDS else None


def _fail_stale(actor: Actor, site: Site) -> int:
    failed = 0
    for run in IdentificationRun.objects.select_for_update().filter(
        site=site, status=RunStatus.RUNNING
    ):
        if (idle := stale_for(run)) is not None:
            _fail(run, actor, f"no progress for {idle:.0f} s: the process running it stopped "
                  "(a crash or a restart); start the run again")  # fmt: skip
            failed += 1
    return failed


def _fail(run: IdentificationRun, actor: Actor, error: str) -> IdentificationRun:
    run.status, run.error, run.finished_at = RunStatus.FAILED, error[:2000], timezone.now()
    return _update(run, actor, reason=f"run failed: {error[:200]}")  # type: ignore[no-any-return]


def do_record_run(
    actor: Actor,
    *,
    site: Site,
    policy: PolicyRecord,
    parameters: dict[str, Any],
    engine_version: str,
    inputs_sha256: str,
    pairs: list[PairEvidence],
    flags: list[FlagSpec],
    summary: dict[str, Any],
    run: IdentificationRun | None = None,
) -> IdentificationRun:
    """Record a run's outcome (completing ``run`` when it was started with
    :func:`do_start_run`, else recording a new complete run): new or updated proposals, flags,
    and signed identifications on the site that the run no longer supports sent back to
    review."""
    with transaction.atomic(durable=True):
        if run is None:
            run = create(
                IdentificationRun,
                actor,
                {"site": site, "started_at": timezone.now(), "run_by": actor.username,
                 "policy": policy, "parameters": parameters, "engine_version": engine_version,
                 "inputs_sha256": inputs_sha256, "summary": summary,
                 "status": RunStatus.RUNNING},
            )  # fmt: skip
        else:
            run = IdentificationRun.objects.select_for_update().get(pk=run.pk)
            if run.status != RunStatus.RUNNING:
                raise InvalidInputError(
                    _("run %(pk)s is %(status)s; only a running run records an outcome")
                    % {"pk": run.pk, "status": run.status},
                    field="run",
                )
            run.parameters, run.inputs_sha256 = parameters, inputs_sha256
            run.summary = summary
        supported: set[int] = set()
        found: list[int] = []
        for pair in pairs:
            proposal = _propose(run, actor, pair)
            if proposal is not None:
                found.append(proposal.pk)
                if pair.assessment.result.met:
                    supported.add(proposal.pk)
        unchanged = Proposal.objects.filter(pk__in=found).exclude(run=run).count()
        run.summary = {**run.summary, "proposals": found,  # unchanged ones keep their run
                       "proposals_unchanged": unchanged}  # fmt: skip
        run.status, run.finished_at = RunStatus.COMPLETE, timezone.now()
        _update(run, actor, reason="complete: the proposals it found")
        stale = (
            Proposal.objects.select_for_update()
            .filter(remains__site=site, state__in=SIGNED)
            .exclude(pk__in=supported)
        )
        for proposal in stale:
            _reopen(proposal, actor, policy, f"run {run.pk} no longer supports it under "
                    f"{policy}: references or profiles changed")  # fmt: skip
        for spec in flags:
            _flag(actor, site, spec, run=run)
    return run


def _propose(run: IdentificationRun, actor: Actor, pair: PairEvidence) -> Proposal | None:
    """Create the pair's proposal, or refresh an open one with this run's numbers."""
    if sex_incompatible(pair.remains, pair.missing_person):
        return None
    numbers = _numbers(pair.assessment)
    existing = (
        Proposal.objects.select_for_update()
        .filter(remains=pair.remains, missing_person=pair.missing_person, state__in=OPEN)
        .first()
    )
    if existing is None:
        check_proposable(pair.remains, pair.missing_person)
        proposal = create(
            Proposal,
            actor,
            {"run": run, "remains": pair.remains, "missing_person": pair.missing_person,
             "policy": run.policy, "flags": pair.flags, **numbers},
        )  # fmt: skip
        _decide(proposal, actor, Step.PROPOSE, "")
        return proposal
    if existing.state in (State.REVIEWED, *SIGNED) and not pair.assessment.result.met:
        _reopen(existing, actor, run.policy, "; ".join(pair.assessment.result.unmet))
        existing.refresh_from_db()
    elif _unchanged(existing, run, pair, numbers):
        return existing  # the same numbers as the run that wrote them: nothing to write
    for name, value in {"run": run, "policy": run.policy, "flags": pair.flags, **numbers}.items():
        setattr(existing, name, value)
    _update(existing, actor, reason=f"numbers of run {run.pk}")
    return existing


def _unchanged(
    existing: Proposal, run: IdentificationRun, pair: PairEvidence, numbers: dict[str, Any]
) -> bool:
    """Whether a re-run found exactly the numbers, flags and policy the proposal holds."""
    same_json = json.loads(json.dumps(numbers["evidence"])) == existing.evidence
    return same_json and existing.policy_id == run.policy_id and existing.flags == pair.flags


def check_proposable(remains: Remains, person: MissingPerson) -> None:
    """Refuse a pair of incompatible sex (correct or re-examine the record first)."""
    if sex_incompatible(remains, person):
        raise InvalidInputError(
            _(
                "remains %(case_number)s are %(sex)s and the missing person "
                "was reported %(sex2)s: a pair of incompatible sex cannot be "
                "proposed; correct or re-examine the record first"
            )
            % {"case_number": remains.case_number, "sex": remains.sex, "sex2": person.sex},
            field="sex",
        )


def _numbers(assessment: Assessment) -> dict[str, Any]:
    snap = assessment.snapshot()
    return {
        "dna_log10_lr": snap["dna_log10_lr"] if snap["dna_log10_lr"] is not None else 0.0,
        "log10_odds": snap["log10_odds"],
        "posterior": snap["posterior"],
        "conclusion": snap["conclusion"],
        "policy_met": snap["policy_met"],
        "unmet": snap["unmet"],
        "evidence": snap,
    }


# --- sign-off -------------------------------------------------------------------------------


def do_review(actor: Actor, proposal: Proposal, *, reason: str = "") -> Proposal:
    """A DNA analyst has checked the profiles, the pedigree and the numbers."""
    if actor.role not in REVIEW_ROLES:
        raise AccessDeniedError(_("only a DNA analyst (role 'lab') reviews a proposal"))
    with transaction.atomic(durable=True):
        locked = _locked(proposal, State.PROPOSED, "reviewed")
        locked.state, locked.reviewed_by, locked.needs_review = (
            State.REVIEWED,
            actor.username,
            False,
        )
        _update(locked, actor, reason=reason or "reviewed")
        _decide(locked, actor, Step.REVIEW, reason)
    return locked


def do_confirm(actor: Actor, proposal: Proposal, *, reason: str = "") -> Proposal:
    """A board member who did not review it confirms; the policy in force must be met and
    neither the person nor the body may already be signed to another."""
    if actor.role not in CONFIRM_ROLES:
        raise AccessDeniedError(_("only a board member (role 'board') confirms an identification"))
    with transaction.atomic(durable=True):
        locked = _locked(proposal, State.REVIEWED, "confirmed")
        if locked.reviewed_by == actor.username:
            raise AccessDeniedError(
                _(
                    "%(username)s reviewed this proposal and cannot also confirm "
                    "it: two different people must sign"
                )
                % {"username": actor.username}
            )
        in_force = PolicyRecord.objects.get(in_force=True)
        result = reassess(locked.evidence, policy_of(in_force))
        if not result.met:
            raise InvalidInputError(
                _("does not meet %(policy)s: %(unmet)s")
                % {"policy": in_force, "unmet": "; ".join(result.unmet)},
                field="policy",
            )
        _refuse_conflict(locked)
        locked.state, locked.confirmed_by, locked.policy = State.CONFIRMED, actor.username, in_force
        _update(locked, actor, reason=reason or "confirmed")
        _set_identified(locked, actor, timezone.localdate(), "confirmed by two signatures")
        _decide(locked, actor, Step.CONFIRM, reason)
    return locked


def _refuse_conflict(proposal: Proposal) -> None:
    signed = Proposal.objects.filter(state__in=SIGNED).exclude(pk=proposal.pk)
    other = signed.filter(missing_person=proposal.missing_person).first()
    if other is not None:
        raise InvalidInputError(
            _(
                "conflict: this missing person is already identified as "
                "remains %(case_number)s; two bodies can never be the same "
                "person"
            )
            % {"case_number": other.remains.case_number},
            field="missing_person",
        )
    other = signed.filter(remains=proposal.remains).first()
    if other is not None:
        raise InvalidInputError(
            _("conflict: remains %(case_number)s are already identified (proposal %(pk)s)")
            % {"case_number": proposal.remains.case_number, "pk": other.pk},
            field="remains",
        )


def do_identify(
    actor: Actor, proposal: Proposal, *, report_html: str, report_sha256: str
) -> Proposal:
    """The board issues the report of a confirmed identification (its SHA-256 logged)."""
    if actor.role not in CONFIRM_ROLES:
        raise AccessDeniedError(_("only a board member (role 'board') records an identification"))
    with transaction.atomic(durable=True):
        locked = _locked(proposal, State.CONFIRMED, "identified")
        locked.state = State.IDENTIFIED
        _update(locked, actor, reason=f"report issued, SHA-256 {report_sha256}")
        _decide(locked, actor, Step.IDENTIFY, f"report SHA-256 {report_sha256}",
                extra={"report_sha256": report_sha256, "report_html": report_html})  # fmt: skip
    return locked


def do_exclude(actor: Actor, proposal: Proposal, *, reason: str) -> Proposal:
    """Exclude a candidate pair (not signed), with the reason."""
    if actor.role not in REVIEW_ROLES | CONFIRM_ROLES:
        raise AccessDeniedError(_("only a DNA analyst or a board member excludes a candidate"))
    if not reason.strip():
        raise InvalidInputError(_("an exclusion needs a reason"), field="reason")
    with transaction.atomic(durable=True):
        locked = _locked(proposal, (State.PROPOSED, State.REVIEWED), "excluded")
        locked.state, locked.reason = State.EXCLUDED, reason
        _update(locked, actor, reason=reason)
        _decide(locked, actor, Step.EXCLUDE, reason)
    return locked


def do_withdraw(actor: Actor, proposal: Proposal, *, reason: str, authority: str) -> Proposal:
    """Withdraw a proposal, signed or not, by a correction with its reason and authority."""
    if not reason.strip() or not authority.strip():
        raise InvalidInputError(_("a withdrawal needs a reason and an authority"), field="reason")
    with transaction.atomic(durable=True):
        locked = _locked(proposal, OPEN, "withdrawn")
        if locked.state in SIGNED:
            _set_identified(locked, actor, None, f"identification withdrawn: {reason}")
        locked.state, locked.reason = State.WITHDRAWN, reason
        _update(locked, actor, reason=reason, authority=authority)
        _decide(locked, actor, Step.WITHDRAW, f"{reason} (authority: {authority})")
    return locked


def do_reopen(actor: Actor, proposal: Proposal, *, reason: str) -> Proposal:
    """Send a signed or reviewed proposal back to review, flagged, with the reason."""
    if not reason.strip():
        raise InvalidInputError(_("sending back to review needs a reason"), field="reason")
    with transaction.atomic(durable=True):
        locked = _locked(proposal, (State.REVIEWED, *SIGNED), "sent back to review")
        return _reopen(locked, actor, locked.policy, reason)


def _reopen(proposal: Proposal, actor: Actor, policy: PolicyRecord, reason: str) -> Proposal:
    was = proposal.state
    if was in SIGNED:
        _set_identified(proposal, actor, None, f"identification back to review: {reason}")
    proposal.state, proposal.needs_review, proposal.reason = State.PROPOSED, True, reason
    proposal.reviewed_by, proposal.confirmed_by = "", ""
    _update(proposal, actor, reason=f"back to review from {was}: {reason}")
    _decide(proposal, actor, Step.REOPEN, reason, policy=policy)
    _flag(
        actor,
        proposal.remains.site,
        FlagSpec(FlagKind.NEEDS_REVIEW, f"proposal {proposal.pk} ({was}) back to review: {reason}",
                 proposal.remains, proposal.missing_person),
        proposal=proposal,
    )  # fmt: skip
    return proposal


def do_tie_part_by_dna(actor: Actor, *, part: Remains, body: Remains, log10_lr: float) -> Remains:
    """Re-associate a body part with the body whose profile it matches (a direct match of at
    least :data:`~exhume.identification.search.DIRECT_MATCH_LOG10`), as a logged correction of
    the part: it then counts with that body, never as a person of its own."""
    from exhume.identification.search import DIRECT_MATCH_LOG10

    if actor.role not in REVIEW_ROLES | CONFIRM_ROLES:
        raise AccessDeniedError(_("only a DNA analyst or a board member re-associates remains"))
    if log10_lr < DIRECT_MATCH_LOG10:
        raise InvalidInputError(
            _("a direct match of LR 10^%(log10_lr)s is below 10^%(DIRECT_MATCH_LOG10)s")
            % {
                "log10_lr": format(log10_lr, ".1f"),
                "DIRECT_MATCH_LOG10": format(DIRECT_MATCH_LOG10, "g"),
            },
            field="log10_lr",
        )
    with transaction.atomic(durable=True):
        return do_correct_remains(
            actor, part, body=body,
            reason=f"same DNA profile as {body.case_number} (random match LR 10^{log10_lr:.1f})",
            authority="identification board",
        )  # fmt: skip


# --- family liaison -------------------------------------------------------------------------

LIAISON_ROLES = frozenset({Role.LIAISON, Role.SYSTEM})


def do_record_notification(
    actor: Actor, proposal: Proposal, *, notified_on: Any, method: str, family_member: str,
    notes: str = "",
) -> Notification:  # fmt: skip
    """Family liaison told the family of a signed (confirmed or identified) identification."""
    if actor.role not in LIAISON_ROLES:
        raise AccessDeniedError(_("only family liaison records that a family was told"))
    with transaction.atomic(durable=True):
        locked = _locked(proposal, SIGNED, "notified to the family")
        return create(
            Notification,
            actor,
            {"proposal": locked, "notified_on": notified_on, "method": method,
             "notified_by": actor.username, "family_member": family_member, "notes": notes},
        )  # fmt: skip


def do_release_remains(
    actor: Actor, proposal: Proposal, *, released_on: Any, released_to: str, relationship: str,
    document: str = "", notes: str = "",
) -> RemainsRelease:  # fmt: skip
    """Family liaison hands the remains of a signed identification to the family, after the
    family was told; this ends the remains' custody (once per body)."""
    if actor.role not in LIAISON_ROLES:
        raise AccessDeniedError(_("only family liaison records the release of remains"))
    with transaction.atomic(durable=True):
        locked = _locked(proposal, SIGNED, "released")
        told = locked.notifications.order_by("notified_on").first()
        if told is None:
            raise InvalidInputError(
                _("the family has not been told yet: record the notification first"),
                field="released_on",
            )
        if RemainsRelease.objects.filter(remains=locked.remains).exists():
            raise InvalidInputError(
                _("remains %(case_number)s were already released; a release ends their custody")
                % {"case_number": locked.remains.case_number},
                field="remains",
            )
        if released_on < told.notified_on:
            raise InvalidInputError(
                _("the remains cannot be released before the family was told (%(day)s)")
                % {"day": told.notified_on.isoformat()},
                field="released_on",
            )
        return create(
            RemainsRelease,
            actor,
            {"proposal": locked, "remains": locked.remains, "released_on": released_on,
             "released_to": released_to, "relationship": relationship,
             "released_by": actor.username, "document": document, "notes": notes},
        )  # fmt: skip


def do_record_recognition(
    actor: Actor, *, remains: Remains, missing_person: MissingPerson, **fields: Any
) -> Recognition:
    """Record an item shown to a family (item, strength class, shown_on) by family liaison."""
    if actor.role not in {Role.LIAISON, Role.SYSTEM}:
        raise AccessDeniedError(_("only family liaison records what a family recognised"))
    with transaction.atomic(durable=True):
        return create(
            Recognition,
            actor,
            {"remains": remains, "missing_person": missing_person, "shown_by": actor.username,
             **fields},
        )  # fmt: skip


# --- helpers --------------------------------------------------------------------------------


def _locked(proposal: Proposal, allowed: Any, to: str) -> Proposal:
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    states = (allowed,) if isinstance(allowed, str) else tuple(allowed)
    if locked.state not in states:
        raise InvalidInputError(
            _("proposal %(pk)s is %(state)s; only a proposal that is %(join)s can be %(to)s")
            % {
                "pk": locked.pk,
                "state": locked.state,
                "join": " or ".join(str(s) for s in states),
                "to": to,
            },
            field="state",
        )
    return locked


def _update(instance: Any, actor: Actor, *, reason: str, authority: str = "") -> Any:
    """Save a changed record as a new version whose log entry supersedes the previous one."""
    instance.version += 1
    full_clean(instance)
    instance.save()
    action = "correct" if authority else "update"
    append_event(instance, action=action, actor=actor, version=instance.version,
                 supersedes=latest_entry(instance), reason=reason, authority=authority)  # fmt: skip
    return instance


def _set_identified(proposal: Proposal, actor: Actor, on: Any, why: str) -> None:
    """The body's identified date (its counting category), set or cleared with the proposal."""
    record_identification(
        actor, proposal.remains, identified_on=on, reason=f"proposal {proposal.pk}: {why}",
        authority="identification board",
    )  # fmt: skip
    proposal.remains.refresh_from_db()


def _decide(
    proposal: Proposal,
    actor: Actor,
    step: str,
    reason: str,
    policy: PolicyRecord | None = None,
    extra: dict[str, Any] | None = None,
) -> Decision:
    return create(
        Decision,
        actor,
        {"proposal": proposal, "step": step, "actor": actor.username,
         "actor_role": str(actor.role), "time": timezone.now(), "reason": reason,
         "policy": policy or proposal.policy,
         "evidence": {"state": proposal.state, **proposal.evidence, **(extra or {})}},
    )  # fmt: skip


def _flag(
    actor: Actor,
    site: Site,
    spec: FlagSpec,
    *,
    run: IdentificationRun | None = None,
    proposal: Proposal | None = None,
) -> Flag:
    return create(
        Flag,
        actor,
        {"site": site, "run": run, "kind": spec.kind, "detail": spec.detail,
         "remains": spec.remains, "missing_person": spec.missing_person, "proposal": proposal,
         "raised_at": timezone.now()},
    )  # fmt: skip
