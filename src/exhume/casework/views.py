"""Staff pages behind login: graves, the burial journal, remains with filters, one record.

Anonymous visitors are sent to the login page; a logged-in user without the permission a page
needs gets 403. Each page names its JSON twin under ``/api/staff/``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from exhume.audit import queries as audit
from exhume.casework import queries
from exhume.casework.models import (
    AgeClass,
    CauseOfDeath,
    RemainsKind,
    Status,
    TortureIndicator,
    ViolentDeath,
)
from exhume.core.choices import Sex
from exhume.core.dates import parse_date
from exhume.core.http import not_found_as_404
from exhume.errors import InvalidInputError

JOURNAL_PERMISSION = "casework.view_burialjournalentry"


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "casework/index.html", {"sites": queries.sites()})


@login_required
@not_found_as_404
def graves(request: HttpRequest, slug: str) -> HttpResponse:
    site = queries.get_site(slug)
    return render(request, "casework/graves.html", {"site": site, "graves": queries.graves(site)})


@login_required
@permission_required(JOURNAL_PERMISSION, raise_exception=True)
@not_found_as_404
def journal(request: HttpRequest, slug: str) -> HttpResponse:
    site = queries.get_site(slug)
    return render(
        request, "casework/journal.html", {"site": site, "entries": queries.journal(site)}
    )


@login_required
@not_found_as_404
def remains_list(request: HttpRequest, slug: str) -> HttpResponse:
    """All remains of a site filtered by the query string; an HTMX request gets the rows only."""
    site = queries.get_site(slug)
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
        parse_date(raw, "exhumed_on")
    except InvalidInputError as exc:
        return f"{exc.message}; the date filter was not applied"
    return ""


@login_required
@not_found_as_404
def remains_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One remains record with its body parts and its versions in the audit log."""
    record = queries.get_remains(pk)
    labels = dict(TortureIndicator.choices)
    context = {
        "remains": record,
        "torture": [labels.get(code, code) for code in record.torture_indicators],
        "parts": record.parts.all(),
        "history": audit.history(record),
    }
    return render(request, "casework/remains_detail.html", context)
