"""Reads for the board, the CLI and the API: runs as the command-line contract, candidates per
body and per missing person, the needs-review list, flags, the identified count (never a name)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from exhume.access.policy import Data, Level, level_of
from exhume.casework.models import Site
from exhume.errors import NotFoundError
from exhume.identification import coded
from exhume.identification.factors import report_reference
from exhume.identification.models import (
    SIGNED,
    Decision,
    Flag,
    IdentificationRun,
    NotificationMethod,
    Proposal,
    RemainsRelease,
    RunStatus,
    State,
)


def get_run(pk: int) -> IdentificationRun:
    run = IdentificationRun.objects.select_related("site", "policy").filter(pk=pk).first()
    if run is None:
        raise NotFoundError(_("no identification run %(pk)s") % {"pk": pk}, field="run")
    return run


def latest_run(site: Site) -> IdentificationRun | None:
    return IdentificationRun.objects.filter(site=site).first()


def proposal_row(p: Proposal) -> dict[str, Any]:
    """One proposal as in the ``exhume identify --json`` contract."""
    return {
        "remains": p.remains.case_number,
        "missing": report_reference(p.missing_person),
        "dna_lr": 10.0**p.dna_log10_lr if p.dna_log10_lr < 308 else float("inf"),
        "dna_log10_lr": p.dna_log10_lr,
        "posterior": p.posterior,
        "conclusion": p.conclusion,
        "status": p.state,
        "needs_review": p.needs_review,
        "policy_met": p.policy_met,
        "unmet": p.unmet,
        "factors": factor_lrs(p),
        "flags": p.flags,
    }


def factor_lrs(p: Proposal) -> dict[str, float]:
    """``{"dna": LR, "sex": LR, ...}`` from the stored table (same-name factors multiply)."""
    out: dict[str, float] = {}
    for row in p.evidence.get("table", []):
        name = row["name"]
        if name in {"prior", "posterior"}:
            continue
        out[name] = out.get(name, 1.0) * float(row["value"])
    return out


def run_proposals(run: IdentificationRun) -> QuerySet[Proposal]:
    """The run's candidates, best first: every proposal it found, including those it left
    unchanged on an earlier run (``summary["proposals"]``); a run without that list, its own."""
    found = run.summary.get("proposals")
    chosen = Proposal.objects.filter(pk__in=found) if found is not None else run.proposals.all()
    return chosen.select_related("remains", "missing_person").order_by("-log10_odds", "id")


def run_report(run: IdentificationRun) -> dict[str, Any]:
    """The run as the command-line contract's JSON object."""
    proposals = run_proposals(run)
    return {
        "run": str(run.pk),
        "site": run.site.slug,
        "bodies_typed": run.summary.get("bodies_typed", 0),
        "missing_with_references": run.summary.get("missing_with_references", 0),
        "message": run.summary.get("message", ""),
        "proposals": [proposal_row(p) for p in proposals],
        "flags": [{"kind": f.kind, "detail": f.detail} for f in run.flags.all()],
        "provenance": {
            "engine_version": run.engine_version,
            "inputs_sha256": run.inputs_sha256,
            "parameters": run.parameters,
            "policy": {"name": run.policy.name, "version": run.policy.policy_version,
                       "sha256": run.policy.sha256},
            "run_by": run.run_by,
            "started_at": run.started_at.isoformat(),
            "seconds": run.summary.get("seconds"),
        },
    }  # fmt: skip


def proposals(
    site: Site, *, state: str | None = None, signed_only: bool = False
) -> QuerySet[Proposal]:
    qs = Proposal.objects.filter(remains__site=site).select_related("remains", "missing_person")
    qs = qs.filter(state__in=SIGNED) if signed_only else qs
    return qs.filter(state=state) if state else qs


def level(user: Any) -> Level:
    """How much of the board ``user`` sees: in full, coded (the DNA analyst), or only signed
    identifications (family liaison's "after identification")."""
    return level_of(user, Data.IDENTIFICATION)


def proposal_for(user: Any, pk: int) -> Proposal:
    """One proposal as ``user`` may see it: after identification, only a signed one (any other
    is reported not found, as if it did not exist)."""
    found = get_proposal(pk)
    if level(user) is Level.AFTER_IDENTIFICATION and found.state not in SIGNED:
        raise NotFoundError(_("no proposal %(pk)s") % {"pk": pk}, field="proposal")
    return found


def needs_review(site: Site) -> QuerySet[Proposal]:
    return proposals(site).filter(needs_review=True, state=State.PROPOSED)


def flags(site: Site) -> QuerySet[Flag]:
    """The flags the board acts on: those of the latest complete run (each run raises its own
    again) and those raised outside a run (a signed identification back to review)."""
    last = IdentificationRun.objects.filter(site=site, status=RunStatus.COMPLETE).first()
    current = Q(run__isnull=True) | Q(run=last) if last is not None else Q(run__isnull=True)
    return Flag.objects.filter(current, site=site).select_related("remains", "missing_person")


def decisions(proposal: Proposal) -> QuerySet[Decision]:
    return proposal.decisions.select_related("policy").order_by("time", "id")


def identified_count(site: Site) -> int:
    """Bodies with a confirmed (or final) identification: never a name."""
    return (
        Proposal.objects.filter(remains__site=site, state__in=SIGNED)
        .values("remains_id")
        .distinct()
        .count()
    )


def get_site(slug: str) -> Site:
    site = Site.objects.filter(slug=slug).first()
    if site is None:
        raise NotFoundError(_("no site '%(slug)s'") % {"slug": slug}, field="slug")
    return site


def get_proposal(pk: int) -> Proposal:
    found = (
        Proposal.objects.select_related("remains__site", "missing_person", "policy", "run")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFoundError(_("no proposal %(pk)s") % {"pk": pk}, field="proposal")
    return found


ORDERS = {"posterior": "-log10_odds", "dna": "-dna_log10_lr", "remains": "remains__case_number"}


def board_rows(
    site: Site, *, state: str | None = None, order: str = "posterior", signed_only: bool = False
) -> list[Any]:
    """Candidates of the site, by posterior (default), DNA LR or case number."""
    found = proposals(site, state=state, signed_only=signed_only)
    return list(found.order_by(ORDERS.get(order, "-log10_odds"), "id"))


def proposal_detail(p: Proposal, *, drawn: bool = True) -> dict[str, Any]:
    """What the proposal page shows: the DNA row alone, the full table, markers, decisions,
    the after-decision records and (``drawn``; the JSON twin has no use for it) the pedigree
    drawing."""
    table = p.evidence.get("table", [])
    per_marker = p.evidence.get("per_marker_log10_lr", {})
    return {
        "dna_row": next((r for r in table if r["name"] == "dna"), None),
        "dna_only_posterior": p.evidence.get("dna_only_posterior"),
        "table": table,
        "markers": sorted(per_marker.items()),
        "references": p.evidence.get("references", []),
        "decisions": decisions(p),
        "label": report_reference(p.missing_person),
        "competing": proposals(p.remains.site)
        .filter(Q(remains=p.remains) | Q(missing_person=p.missing_person))
        .exclude(pk=p.pk),
        **after_decision(p),
        **({"pedigree_svg": pedigree_svg(p)} if drawn else {}),
    }


def pedigree_svg(p: Proposal) -> str:
    """The missing person's family drawn (:mod:`exhume.dna.drawing`), with the body placed at
    the missing person: shaded as typed (its profile stands there) and labelled with the case
    number; "" when the person has no recorded family."""
    from dataclasses import replace

    from exhume.dna.drawing import svg
    from exhume.dna.models import PedigreeMember
    from exhume.dna.queries import pedigree_individuals

    member = (
        PedigreeMember.objects.filter(missing_person=p.missing_person)
        .select_related("family")
        .first()
    )
    if member is None:
        return ""
    people = pedigree_individuals(member.family)
    labels = [m.label for m in member.family.members.all()]
    at = labels.index(member.label)
    people[at] = replace(people[at], label=f"{member.label} = {p.remains.case_number}", typed=True)
    return svg(people, title=f"{member.family.name}: {p.remains.case_number} placed at "
               f"{member.label}")  # fmt: skip


def after_decision(p: Proposal) -> dict[str, Any]:
    """Family liaison's records after the decision: the notifications and the release."""
    return {
        "notifications": list(p.notifications.all()),
        "release": RemainsRelease.objects.filter(proposal=p).first(),
        "methods": NotificationMethod.choices,
    }


def after_decision_json(found: dict[str, Any]) -> dict[str, Any]:
    """:func:`after_decision`'s records (``found``, its result) as JSON."""
    release = found["release"]
    return {
        "notifications": [
            {"notified_on": n.notified_on.isoformat(), "method": n.method,
             "notified_by": n.notified_by, "family_member": n.family_member, "notes": n.notes}
            for n in found["notifications"]
        ],
        "release": None if release is None else {
            "released_on": release.released_on.isoformat(), "released_to": release.released_to,
            "relationship": release.relationship, "released_by": release.released_by,
            "document": release.document,
        },
    }  # fmt: skip


def proposal_json(p: Proposal) -> dict[str, Any]:
    """The proposal page's JSON twin."""
    detail = proposal_detail(p, drawn=False)
    return {
        **proposal_row(p),
        "id": p.pk,
        "table": detail["table"],
        "per_marker_log10_lr": dict(detail["markers"]),
        "references": detail["references"],
        "decisions": [
            {"step": d.step, "actor": d.actor, "role": d.actor_role,
             "time": d.time.isoformat(), "reason": d.reason, "policy": str(d.policy)}
            for d in detail["decisions"]
        ],
        **after_decision_json(detail),
    }  # fmt: skip


def board_json(site: Site, user: Any = None) -> dict[str, Any]:
    """The board page's JSON twin (coded for the laboratory; signed identifications only
    after identification)."""
    seen = level(user) if user is not None else Level.FULL
    if seen is Level.CODED:
        return coded.board(site, board_rows(site), list(needs_review(site)),
                           identified_count(site))  # fmt: skip
    if seen is Level.AFTER_IDENTIFICATION:
        return {"site": site.slug, "identified": identified_count(site),
                "proposals": [proposal_row(p) | {"id": p.pk}
                              for p in board_rows(site, signed_only=True)]}  # fmt: skip
    run = latest_run(site)
    return {
        "site": site.slug,
        "identified": identified_count(site),
        "run": run_report(run)["provenance"] | {"run": run.pk} if run else None,
        "proposals": [proposal_row(p) | {"id": p.pk} for p in board_rows(site)],
        "needs_review": [p.pk for p in needs_review(site)],
        "flags": [{"kind": f.kind, "detail": f.detail} for f in flags(site)],
    }


def run_status(site: Site) -> dict[str, Any]:
    """The site's latest run as the board's status panel shows it: running (the stages done and
    the one under way), complete (each stage's seconds, what it found) or failed (the error)."""
    from exhume.identification.progress import STAGES, read_progress

    run = latest_run(site)
    if run is None:
        return {"site": site.slug, "run": None, "status": None}
    out: dict[str, Any] = {
        "site": site.slug, "run": run.pk, "status": run.status, "run_by": run.run_by,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "error": run.error, "seconds": run.summary.get("seconds"),
        "proposals": len(run.summary.get("proposals", [])), "flags": run.flags.count(),
    }  # fmt: skip
    if run.status == RunStatus.RUNNING:
        return out | read_progress(run.pk)
    done = run.summary.get("stages", {})
    stages = [{"name": n, "label": str(label), "state": "done" if n in done else "skipped",
               "seconds": done.get(n)} for n, label in STAGES if n != "recording"]  # fmt: skip
    return out | {"stages": stages, "step": len(STAGES), "steps": len(STAGES)}
