"""The identification report of the board, printed to PDF.

The board issues its report as an HTML page whose SHA-256 is logged with the identification
(:func:`exhume.identification.report.issue_report`). The PDF prints that page exactly as issued
(a draft, marked as one, before it is), with a colophon naming the issued page's SHA-256, so a
reader of the paper can find both the identification and the page it reproduces; the PDF's own
SHA-256 is logged as a ``reports.Report`` (:func:`exhume.reports.actions.do_record_report`).
The report holds names: only roles that see identifications in full may print it.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.utils.html import escape

from exhume import __version__
from exhume.access.records import may_see_record
from exhume.errors import NotFoundError
from exhume.identification import queries
from exhume.identification.models import Proposal
from exhume.identification.report import render_report

#: The report's print stylesheet (beside the template; the page links none that prints).
CSS = Path(__file__).parent / "templates" / "reports" / "identification_report.css"
_STYLESHEET_LINK = re.compile(r"<link[^>]*rel=\"stylesheet\"[^>]*>", re.IGNORECASE)


def proposal_for(user: object, pk: int) -> Proposal:
    """The proposal with this id, or NotFoundError when there is none or its remains or missing
    person are restricted from ``user`` (as if it did not exist)."""
    p = queries.get_proposal(pk)
    if not (may_see_record(user, p.remains) and may_see_record(user, p.missing_person)):
        raise NotFoundError(f"no proposal with id {pk}", field="proposal")
    return p


def issued_sha256(p: Proposal) -> str | None:
    """The SHA-256 of the report page as issued, or ``None`` before it is."""
    step = p.decisions.filter(step="identify").order_by("-id").first()
    return str(step.evidence.get("report_sha256")) if step is not None else None


def identification_report_html(p: Proposal) -> str:
    """The issued page (or a draft) with a colophon, ready for :func:`reports.pdf.html_to_pdf`."""
    page = _STYLESHEET_LINK.sub("", render_report(p))
    sha = issued_sha256(p)
    said = (
        f"Printed from the identification report issued with SHA-256 {sha}."
        if sha
        else "Printed from a draft: this report has not been issued."
    )
    colophon = (
        f'<footer class="colophon"><p>{escape(said)} Proposal {p.pk}, site '
        f"{escape(p.remains.site.slug)}. The SHA-256 of this PDF is recorded in the "
        f"tamper-evident log (exhume {escape(__version__)}).</p></footer>"
    )
    return page.replace("</body>", f"{colophon}</body>") if "</body>" in page else page + colophon


def identification_report_css() -> str:
    return CSS.read_text(encoding="utf-8")
