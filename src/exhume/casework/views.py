"""Staff pages behind login: graves, the burial journal, remains with filters, one record.

Who may open each page is decided before the view runs, by the access policy
(:mod:`exhume.access`): anonymous visitors are sent to the login page, a role that may not see
the data gets 403. The DNA laboratory sees remains coded (no case number, grave or personal
effects); a restricted record is shown only to its named people. Each page names its JSON twin
under ``/api/staff/``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from exhume.access.policy import Data, Level, level_of
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
from exhume.casework.queries import CODED_FILTERS
from exhume.core.choices import Sex
from exhume.core.dates import parse_date
from exhume.core.http import not_found_as_404
from exhume.errors import InvalidInputError


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "casework/index.html", {"sites": queries.sites()})


@not_found_as_404
def graves(request: HttpRequest, slug: str) -> HttpResponse:
    site = queries.get_site(slug)
    return render(request, "casework/graves.html", {"site": site, "graves": queries.graves(site)})


@not_found_as_404
def journal(request: HttpRequest, slug: str) -> HttpResponse:
    site = queries.get_site(slug)
    return render(
        request,
        "casework/journal.html",
        {"site": site, "entries": queries.journal(site, request.user)},
    )


@not_found_as_404
def remains_list(request: HttpRequest, slug: str) -> HttpResponse:
    """All remains of a site filtered by the query string; an HTMX request gets the rows only."""
    site = queries.get_site(slug)
    filters = {k: v for k, v in request.GET.dict().items() if v}
    error = _date_error(filters.get("exhumed_on"))
    searched = {k: v for k, v in filters.items() if not (error and k == "exhumed_on")}
    is_coded = level_of(request.user, Data.REMAINS) is Level.CODED
    choices = {
        "sex": Sex.choices,
        "age_class": AgeClass.choices,
        "status": Status.choices,
        "kind": RemainsKind.choices,
        "cause_of_death": CauseOfDeath.choices,
        "violent_death": ViolentDeath.choices,
    }
    context = {
        "site": site,
        "remains": queries.remains_for(request.user, site, searched),
        "is_coded": is_coded,
        "filters": filters,
        "filter_error": error,
        "query": request.GET.urlencode(),
        "choices": {k: v for k, v in choices.items() if not is_coded or k in CODED_FILTERS},
    }
    rows = "_remains_coded_rows" if is_coded else "_remains_rows"
    template = (
        f"casework/{rows}.html" if request.headers.get("HX-Request") else "casework/remains.html"
    )
    return render(request, template, context)


def _date_error(raw: str | None) -> str:
    """A message when ``raw`` is given but is not an ISO date, else ``""``."""
    try:
        parse_date(raw, "exhumed_on")
    except InvalidInputError as exc:
        return _("%(message)s; the date filter was not applied") % {"message": exc.message}
    return ""


@not_found_as_404
def remains_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One remains record with its body parts and its versions in the audit log (coded for the
    laboratory: no case number, grave, effects or history)."""
    record = queries.remains_record(request.user, pk)
    if level_of(request.user, Data.REMAINS) is Level.CODED:
        context = {"remains": queries.coded(record), "site": record.site}
        return render(request, "casework/remains_coded.html", context)
    labels = dict(TortureIndicator.choices)
    context = {
        "remains": record,
        "torture": [labels.get(code, code) for code in record.torture_indicators],
        "parts": queries.visible_parts(request.user, record),
        "history": audit.history(record),
    }
    return render(request, "casework/remains_detail.html", context)
