"""The identification report: a printable HTML page for an identified (or confirmed) body.

Issuing it renders the page, hashes it (SHA-256) and records the identification as final
(:func:`~exhume.identification.actions.do_identify`) with the HTML and its hash in the
decision's snapshot; later views show the report exactly as issued.
"""

from __future__ import annotations

import hashlib

from django.template.loader import render_to_string

from exhume.audit.events import Actor
from exhume.identification import queries
from exhume.identification.actions import do_identify
from exhume.identification.models import Proposal


def render_report(p: Proposal, *, issued: bool = True) -> str:
    """The report as issued when it was; otherwise a draft rendered now."""
    if issued:
        step = p.decisions.filter(step="identify").order_by("-id").first()
        if step is not None and "report_html" in step.evidence:
            return str(step.evidence["report_html"])
    context = {"p": p, "site": p.remains.site, "draft": True, **queries.proposal_detail(p)}
    return render_to_string("identification/report.html", context)


def issue_report(actor: Actor, p: Proposal) -> tuple[Proposal, str]:
    """Render the final report, hash it, record the identification; returns (proposal, sha)."""
    context = {"p": p, "site": p.remains.site, "draft": False, **queries.proposal_detail(p)}
    html = render_to_string("identification/report.html", context)
    sha = hashlib.sha256(html.encode()).hexdigest()
    return do_identify(actor, p, report_html=html, report_sha256=sha), sha
