"""What the DNA laboratory sees of the board: coded, for blind review.

The DNA analyst reviews each proposal on the board pages (the two-person sign-off), and by good
practice works blind (ICMP): remains and missing persons appear only as keyed codes
(:func:`exhume.access.coding.code_for`, the same code as on the coded remains pages), with the
DNA numbers, the per-marker table and the references' stated relationships. No case number,
name, grave, flag text, non-DNA observation or decision reason (free text may name anyone).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from exhume.access.coding import code_for
from exhume.casework.models import Site
from exhume.identification.models import IdentificationRun, Proposal


def remains_code(p: Proposal) -> str:
    return code_for("casework.remains", p.remains_id)


def person_code(p: Proposal) -> str:
    return code_for("families.missingperson", p.missing_person_id)


def row(p: Proposal) -> dict[str, Any]:
    """One candidate pair, coded."""
    return {
        "id": p.pk,
        "remains": remains_code(p),
        "missing": person_code(p),
        "dna_log10_lr": p.dna_log10_lr,
        "posterior": p.posterior,
        "conclusion": p.conclusion,
        "status": p.state,
        "status_label": str(p.get_state_display()),
        "needs_review": p.needs_review,
        "policy_met": p.policy_met,
    }


def board(site: Site, proposals: list[Proposal], needs_review: list[Proposal],
          identified: int) -> dict[str, Any]:  # fmt: skip
    """The board page (and its twin) for the laboratory."""
    return {
        "site": site.slug,
        "identified": identified,
        "proposals": [row(p) for p in proposals],
        "needs_review": [p.pk for p in needs_review],
    }


def detail(p: Proposal) -> dict[str, Any]:
    """One proposal for the DNA analyst's review: DNA first and alone, the factors as numbers
    only, the references' relationships, the per-marker table, the steps taken (no reasons)."""
    table = p.evidence.get("table", [])
    return {
        **row(p),
        "dna_only_posterior": p.evidence.get("dna_only_posterior"),
        "factors": [
            {"name": r["name"], "value": r["value"], "log10": r.get("log10")} for r in table
        ],
        "references": [r.get("relationship", "") for r in p.evidence.get("references", [])],
        "per_marker_log10_lr": dict(sorted(p.evidence.get("per_marker_log10_lr", {}).items())),
        "decisions": [
            {
                "step": d.step,
                "step_label": str(d.get_step_display()),
                "role": d.actor_role,
                "time": d.time.isoformat(),
            }
            for d in p.decisions.order_by("time", "id")
        ],
    }


def run(r: IdentificationRun, proposals: Iterable[Proposal]) -> dict[str, Any]:
    """A run's outcome for the laboratory: counts, provenance and coded candidates
    (``proposals``: :func:`exhume.identification.queries.run_proposals`, as the full report)."""
    return {
        "run": str(r.pk),
        "site": r.site.slug,
        "bodies_typed": r.summary.get("bodies_typed", 0),
        "missing_with_references": r.summary.get("missing_with_references", 0),
        "proposals": [row(p) for p in proposals],
        "provenance": {"engine_version": r.engine_version, "inputs_sha256": r.inputs_sha256,
                       "parameters": r.parameters, "started_at": r.started_at.isoformat()},
    }  # fmt: skip
