"""The demo's identification board: a run over Izium's synthetic DNA and a board at work.

After the records are written (:func:`exhume.demo.build.build_demo`), the demo's DNA analyst
(``demo-lab``) runs the identification engine over Izium, re-associates the body part whose
profile is a body's, and reviews the strongest proposals that meet the policy; a board member
who is not the reviewer (``demo-board``) confirms :data:`CONFIRMED` of them. :data:`REVIEWED`
more wait for the second signature; the rest, and every flagged one (the mislabelled father's
family, the grave whose journal line names another reported person), stay proposed, awaiting
review. Every step goes through the identification app's actions, each with its log entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from exhume.audit.events import Actor
from exhume.audit.models import Role
from exhume.casework.models import Remains, Site
from exhume.identification.actions import (
    do_confirm,
    do_review,
    do_tie_part_by_dna,
)
from exhume.identification.dna_source import site_dna
from exhume.identification.models import Proposal, State
from exhume.identification.runs import execute_run, start_run

ANALYST = Actor("demo-lab", Role.LAB)
BOARD = Actor("demo-board", Role.BOARD)
#: Identifications the demo's board confirms (two signatures each).
CONFIRMED = 32
#: Proposals reviewed by the analyst and left awaiting a board member's confirmation.
REVIEWED = 3


@dataclass(frozen=True)
class DemoBoard:
    """What the demo's board did."""

    run: int
    proposals: int
    confirmed: int
    reviewed: int
    reassociated: list[str]
    flags: int
    seconds: float


def build_demo_board(site_slug: str = "izium") -> DemoBoard:
    """Run, re-associate, review and confirm as the module docstring says."""
    site = Site.objects.get(slug=site_slug)
    run = execute_run(ANALYST, start_run(ANALYST, site), lambda: site_dna(site))
    tied = _reassociate(run.summary.get("direct_matches", []), site)
    chosen = [p for p in Proposal.objects.filter(run=run, state=State.PROPOSED, policy_met=True)
              .select_related("remains", "missing_person").order_by("-log10_odds", "id")
              if not p.flags]  # fmt: skip
    for k, proposal in enumerate(chosen[: CONFIRMED + REVIEWED]):
        reviewed = do_review(ANALYST, proposal, reason="profiles, pedigree and numbers checked")
        if k < CONFIRMED:
            do_confirm(BOARD, reviewed, reason="meets the policy; two signatures")
    return DemoBoard(
        run=run.pk,
        proposals=len(run.summary.get("proposals", [])),
        confirmed=min(CONFIRMED, len(chosen)),
        reviewed=max(0, min(REVIEWED, len(chosen) - CONFIRMED)),
        reassociated=tied,
        flags=run.flags.count(),
        seconds=float(run.summary.get("seconds", 0.0)),
    )


def _reassociate(matches: list[list[object]], site: Site) -> list[str]:
    """Tie each body part that no body holds to the body whose profile it carries."""
    tied = []
    by_case = {r.case_number: r for r in Remains.objects.filter(site=site)}
    for a, b, log10 in matches:
        first, second = by_case[str(a)], by_case[str(b)]
        part, body = (first, second) if first.kind == "body_part" else (second, first)
        if part.kind == "body_part" and part.body_id is None and body.kind == "body":
            do_tie_part_by_dna(ANALYST, part=part, body=body, log10_lr=float(str(log10)))
            tied.append(part.case_number)
    return tied
