"""The identification board: candidates per body and per missing person, one proposal with its
factors and per-marker table, the sign-off buttons, the printable report. Thin: each view reads
through :mod:`exhume.identification.queries` or calls one action. Every page needs the
permission to see proposals; each has a JSON twin under /api/staff/. The DNA analyst (coded
level) sees coded pages (:mod:`exhume.identification.coded`); family liaison ("after
identification") sees signed identifications only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exhume.access.policy import Level
from exhume.audit.events import Actor
from exhume.core.admin import actor_for
from exhume.core.dates import parse_date
from exhume.core.exports import export, requested_format
from exhume.core.http import not_found_as_404
from exhume.errors import AccessDeniedError, InvalidInputError
from exhume.identification import actions, background, coded, consent, queries, report
from exhume.identification.models import SIGNED, State

VIEW = "identification.view_proposal"


@login_required
@permission_required(VIEW, raise_exception=True)
@not_found_as_404
def board(request: HttpRequest, slug: str) -> HttpResponse:
    """Candidates of the site, filterable by state and sortable (HTMX swaps the rows)."""
    site = queries.get_site(slug)
    state = request.GET.get("state", "")
    order = request.GET.get("order", "posterior")
    seen = queries.level(request.user)
    if fmt := requested_format(request):  # the twin's rows: coded, or signed only, as the page
        rows = queries.board_json(site, request.user)["proposals"]
        return export(rows, name=f"{slug}-identification-board", fmt=fmt)
    if seen is Level.CODED:
        return _coded_board(request, site, state, order)
    rows_only = bool(request.headers.get("HX-Request"))
    after = seen is Level.AFTER_IDENTIFICATION  # family liaison: signed identifications only
    context = {
        "site": site,
        "rows": queries.board_rows(site, state=state or None, order=order, signed_only=after),
        "state": state,
        "order": order,
        "states": State.choices,
        "run": None if after else queries.latest_run(site),
        "needs_review": [] if after else queries.needs_review(site),
        "flags": [] if after else queries.flags(site)[:50],
        "identified": queries.identified_count(site),
        # the HTMX rows swap shows no status panel
        **({} if after or rows_only else _status_context(request, site)),
    }
    template = "identification/_rows.html" if rows_only else None
    return render(request, template or "identification/board.html", context)


def _coded_board(request: HttpRequest, site: Any, state: str, order: str) -> HttpResponse:
    """The board for the DNA analyst: coded pairs, never a case number or a name."""
    order = order if order in {"posterior", "dna"} else "posterior"
    context = {
        "site": site,
        "rows": [coded.row(p) for p in queries.board_rows(site, state=state or None, order=order)],
        "state": state,
        "order": order,
        "states": State.choices,
        "needs_review": [coded.row(p) for p in queries.needs_review(site)],
        "identified": queries.identified_count(site),
    }
    if request.headers.get("HX-Request"):  # the rows swap shows no status panel
        return render(request, "identification/_rows_coded.html", context)
    context |= _status_context(request, site)
    return render(request, "identification/board_coded.html", context)


def _proposal_page(
    request: HttpRequest, record: Any, error: str = "", status: int = 200
) -> HttpResponse:
    """The proposal page at the reader's level (coded for the DNA analyst)."""
    seen = queries.level(request.user)
    if seen is Level.CODED:
        context = {"p": coded.detail(record), "site": record.remains.site, "error": error}
        return render(request, "identification/proposal_coded.html", context, status=status)
    context = {"p": record, "site": record.remains.site, **queries.proposal_detail(record),
               "error": error, "may_sign": seen is not Level.AFTER_IDENTIFICATION,
               "may_liaise": actor_for(request).role in actions.LIAISON_ROLES}  # fmt: skip
    if seen is Level.AFTER_IDENTIFICATION:
        context["competing"] = []
    if record.state in SIGNED:
        context["retention"] = consent.retention(record.missing_person)
    return render(request, "identification/proposal.html", context, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
@not_found_as_404
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """One proposal: DNA first and alone, then each factor, the product, markers, decisions."""
    record = queries.proposal_for(request.user, pk)
    return _proposal_page(request, record, request.GET.get("error", ""))


@require_POST
@login_required
@permission_required(VIEW, raise_exception=True)
@not_found_as_404
def sign(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Review, confirm, exclude or record as identified; the action checks who may."""
    record = queries.proposal_for(request.user, pk)
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
        status = 403 if isinstance(exc, AccessDeniedError) else 400
        return _proposal_page(request, record, exc.message, status)
    return redirect("identification:proposal", pk=pk)


@login_required
@permission_required(VIEW, raise_exception=True)
@not_found_as_404
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable identification report (as issued, when it was); the DNA analyst, who
    works blind, gets the coded proposal instead."""
    record = queries.proposal_for(request.user, pk)
    if queries.level(request.user) is Level.CODED:
        return _proposal_page(request, record)
    return HttpResponse(report.render_report(record))


WATCHDOG = Actor.system("identification-watchdog")


def _status_context(
    request: HttpRequest, site: Any, error: str = "", *, sweep: bool = True
) -> dict[str, Any]:
    """The status panel's context. A running latest run with no progress for the stale limit
    (its process died) is first marked failed (``sweep``; a file's time decides, so a poll
    takes no lock while the run is alive)."""
    run = queries.latest_run(site) if sweep else None
    if run is not None and actions.stale_for(run) is not None:
        actions.do_fail_stale_runs(WATCHDOG, site)
    return {
        "site": site,
        "status": queries.run_status(site),
        "can_run": actor_for(request).role in actions.RUN_ROLES,
        "run_error": error,
    }


@require_POST
@login_required
@permission_required(VIEW, raise_exception=True)
@not_found_as_404
def start_run(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a run of the site in the background; the status panel (HTMX) or the board."""
    site = queries.get_site(slug)
    error = ""
    try:
        background.start_background_run(actor_for(request), site)
    except (AccessDeniedError, InvalidInputError) as exc:
        error = exc.message
    # a started run swept the stale ones (do_start_run); a refusal may not have
    sweep = bool(error)
    if request.headers.get("HX-Request"):
        context = _status_context(request, site, error, sweep=sweep)
        return render(request, "identification/_run_status.html", context)
    if error:
        return render(request, "identification/_run_status.html",
                      _status_context(request, site, error), status=400)  # fmt: skip
    return redirect("identification:board", slug=slug)


@login_required
@permission_required(VIEW, raise_exception=True)
@not_found_as_404
def run_status(request: HttpRequest, slug: str) -> HttpResponse:
    """The status panel: polled every second while a run is running."""
    site = queries.get_site(slug)
    return render(request, "identification/_run_status.html", _status_context(request, site))


@require_POST
@login_required
@permission_required(VIEW, raise_exception=True)
@not_found_as_404
def after_decision(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Family liaison records that the family was told, or that the remains were released."""
    record = queries.proposal_for(request.user, pk)
    actor, form = actor_for(request), request.POST
    try:
        if what == "notification":
            actions.do_record_notification(
                actor, record, notified_on=_day(form, "notified_on"),
                method=form.get("method", ""), family_member=form.get("family_member", ""),
                notes=form.get("notes", ""),
            )  # fmt: skip
        elif what == "release":
            actions.do_release_remains(
                actor, record, released_on=_day(form, "released_on"),
                released_to=form.get("released_to", ""), relationship=form.get("relationship", ""),
                document=form.get("document", ""), notes=form.get("notes", ""),
            )  # fmt: skip
        else:
            raise InvalidInputError(_("unknown step '%(step)s'") % {"step": what}, field="step")
    except (AccessDeniedError, InvalidInputError) as exc:
        status = 403 if isinstance(exc, AccessDeniedError) else 400
        return _proposal_page(request, record, exc.message, status)
    return redirect("identification:proposal", pk=pk)


def _day(form: Any, name: str) -> Any:
    day = parse_date(form.get(name), name)
    if day is None:
        raise InvalidInputError(_("a date is needed"), field=name)
    return day
