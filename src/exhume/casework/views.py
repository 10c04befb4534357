"""Staff pages behind login: graves, the burial journal, remains with filters, one record.

Anonymous visitors are sent to the login page; a logged-in user without the permission a page
needs gets 403. Each page names its JSON twin under ``/api/staff/``.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from exhume.audit.models import LogEntry
from exhume.casework import queries
from exhume.casework.models import (
    AgeClass,
    CauseOfDeath,
    Remains,
    RemainsKind,
    Sex,
    Site,
    Status,
    TortureIndicator,
    ViolentDeath,
)
from exhume.errors import NotFoundError

JOURNAL_PERMISSION = "casework.view_burialjournalentry"


def _site(slug: str) -> Site:
    try:
        return queries.get_site(slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "casework/index.html", {"sites": queries.sites()})


@login_required
def graves(request: HttpRequest, slug: str) -> HttpResponse:
    site = _site(slug)
    return render(request, "casework/graves.html", {"site": site, "graves": queries.graves(site)})


@login_required
@permission_required(JOURNAL_PERMISSION, raise_exception=True)
def journal(request: HttpRequest, slug: str) -> HttpResponse:
    site = _site(slug)
    return render(
        request, "casework/journal.html", {"site": site, "entries": queries.journal(site)}
    )


@login_required
def remains_list(request: HttpRequest, slug: str) -> HttpResponse:
    """All remains of a site filtered by the query string; an HTMX request gets the rows only."""
    site = _site(slug)
    filters = {k: v for k, v in request.GET.dict().items() if v}
    error = _date_error(filters.get("exhumed_on"))
    searched = {k: v for k, v in filters.items() if not (error and k == "exhumed_on")}
    context = {
        "site": site,
        "remains": queries.remains(site, searched),
        "filters": filters,
        "filter_error": error,
        "query": request.GET.urlencode(),
        "choices": {
            "sex": Sex.choices,
            "age_class": AgeClass.choices,
            "status": Status.choices,
            "kind": RemainsKind.choices,
            "cause_of_death": CauseOfDeath.choices,
            "violent_death": ViolentDeath.choices,
        },
    }
    template = (
        "casework/_remains_rows.html"
        if request.headers.get("HX-Request")
        else "casework/remains.html"
    )
    return render(request, template, context)


def _date_error(raw: str | None) -> str:
    """A message when ``raw`` is given but is not an ISO date, else ``""``."""
    try:
        if raw:
            dt.date.fromisoformat(raw)
    except ValueError:
        return f"exhumed_on={raw!r} is not a date (YYYY-MM-DD); the date filter was not applied"
    return ""


@login_required
def remains_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One remains record with its body parts and its versions in the audit log."""
    record = get_object_or_404(Remains.objects.select_related("site", "grave", "part_of"), pk=pk)
    history = LogEntry.objects.filter(record_type="casework.remains", record_id=str(pk))
    labels = dict(TortureIndicator.choices)
    context = {
        "remains": record,
        "torture": [labels.get(code, code) for code in record.torture_indicators],
        "parts": record.parts.all(),
        "history": history,
    }
    return render(request, "casework/remains_detail.html", context)
