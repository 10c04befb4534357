"""Public pages. No personal data of the dead or of families is ever put in their context."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from exhume.casework import queries as casework
from exhume.errors import NotFoundError
from exhume.publication import charts, queries


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "publication/home.html", {"sites": queries.site_cards()})


def site_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        site = casework.get_site(slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    as_of = _parse_date(request.GET.get("as_of"))
    page = queries.public_site(site, as_of=as_of)
    chart = charts.running_count_svg(page["summary"]["running"])
    return render(request, "publication/site.html", {"page": page, "chart": chart})


def _parse_date(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise Http404(f"as_of={raw!r} is not a date (YYYY-MM-DD)") from None
