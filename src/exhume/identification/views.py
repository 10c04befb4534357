"""The identification board: candidates per body and per missing person, one proposal with its
factors and per-marker table, the sign-off buttons, the printable report. Thin: each view reads
through :mod:`exhume.identification.queries` or calls one action. Every page needs the
permission to see proposals (names of the missing); each has a JSON twin under /api/staff/."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exhume.core.admin import actor_for
from exhume.core.http import not_found_as_404
from exhume.errors import AccessDeniedError, InvalidInputError
from exhume.identification import actions, queries, report
from exhume.identification.models import State

VIEW = "identification.view_proposal"


@login_required
@permission_required(VIEW, raise_exception=True)
@not_found_as_404
def board(request: HttpRequest, slug: str) -> HttpResponse:
    """Candidates of the site, filterable by state and sortable (HTMX swaps the rows)."""
    site = queries.get_site(slug)
    state = request.GET.get("state", "")
    order = request.GET.get("order", "posterior")
    context = {
        "site": site,
        "rows": queries.board_rows(site, state=state or None, order=order),
        "state": state,
        "order": order,
        "states": State.choices,
        "run": queries.latest_run(site),
        "needs_review": queries.needs_review(site),
        "flags": queries.flags(site)[:50],
        "identified": queries.identified_count(site),
    }
    template = "identification/_rows.html" if request.headers.get("HX-Request") else None
    return render(request, template or "identification/board.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
@not_found_as_404
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """One proposal: DNA first and alone, then each factor, the product, markers, decisions."""
    record = queries.get_proposal(pk)
    context = {
        "p": record,
        "site": record.remains.site,
        **queries.proposal_detail(record),
        "error": request.GET.get("error", ""),
    }
    return render(request, "identification/proposal.html", context)


@require_POST
@login_required
@permission_required(VIEW, raise_exception=True)
@not_found_as_404
def sign(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Review, confirm, exclude or record as identified; the action checks who may."""
    record = queries.get_proposal(pk)
    actor = actor_for(request)
    reason = request.POST.get("reason", "")
    try:
        if step == "review":
            actions.do_review(actor, record, reason=reason)
        elif step == "confirm":
            actions.do_confirm(actor, record, reason=reason)
        elif step == "exclude":
            actions.do_exclude(actor, record, reason=reason)
        elif step == "identify":
            report.issue_report(actor, record)
        else:
            raise InvalidInputError(_("unknown step '%(step)s'") % {"step": step}, field="step")
    except (AccessDeniedError, InvalidInputError) as exc:
        return render(
            request,
            "identification/proposal.html",
            {"p": record, "site": record.remains.site, **queries.proposal_detail(record),
             "error": exc.message},
            status=403 if isinstance(exc, AccessDeniedError) else 400,
        )  # fmt: skip
    return redirect("identification:proposal", pk=pk)


@login_required
@permission_required(VIEW, raise_exception=True)
@not_found_as_404
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable identification report (as issued, when it was)."""
    record = queries.get_proposal(pk)
    return HttpResponse(report.render_report(record))
