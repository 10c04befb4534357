"""Public pages. No personal data of the dead or of families is ever put in their context.

The site page renders exactly the dictionary its JSON twin (``/api/sites/<slug>``) returns, plus
two charts drawn from that same dictionary and its ISO dates parsed for display.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from exhume.casework import queries as casework
from exhume.errors import NotFoundError
from exhume.publication import charts, queries, releases

DATE_KEYS = ("discovered_on", "exhumation_started_on", "exhumation_ended_on")
GROUP_LABELS = {
    "women": _("women"),
    "men": _("men"),
    "sex_undetermined": _("sex undetermined"),
    "children": _("children"),
    "servicemen": _("servicemen"),
}


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "publication/home.html", {"sites": queries.site_cards()})


def site_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        site = casework.get_site(slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    as_of = _parse_date(request.GET.get("as_of"))
    page = queries.public_site(site, as_of=as_of)
    context = {
        "page": page,
        "as_of": as_of,
        "dates": {key: _parse_date(page[key]) for key in DATE_KEYS},
        "chart": charts.running_count_svg(page["summary"]["running"]),
        "stack": charts.breakdown_bar_svg(page["summary"]),
        "breakdown": [
            {"key": g, "label": GROUP_LABELS[g], "count": page["summary"][g]}
            for g in charts.BREAKDOWN
        ],
    }
    return render(request, "publication/site.html", context)


def release_file(request: HttpRequest, slug: str, label: str, name: str) -> HttpResponse:
    """One file of a signed release, read-only, exactly as published (for offline checking)."""
    try:
        release = releases.get_release(casework.get_site(slug), label)
        data = releases.release_file(release, name)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    kind = "text/plain" if name.endswith(".txt") else "application/json"
    response = HttpResponse(data, content_type=f"{kind}; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _parse_date(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise Http404(f"as_of={raw!r} is not a date (YYYY-MM-DD)") from None
