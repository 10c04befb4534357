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
from exhume.core.dates import parse_date
from exhume.core.http import not_found_as_404
from exhume.errors import InvalidInputError
from exhume.publication import charts, queries, releases
from exhume.publication.cache import cached, cached_page

DATE_KEYS = ("discovered_on", "exhumation_started_on", "exhumation_ended_on")
GROUP_LABELS = {
    "women": _("women"),
    "men": _("men"),
    "sex_undetermined": _("sex undetermined"),
    "children": _("children"),
    "servicemen": _("servicemen"),
}


def home(request: HttpRequest) -> HttpResponse:
    def page() -> HttpResponse:
        sites = cached(queries.site_cards, "site_cards")
        return render(request, "publication/home.html", {"sites": sites})

    return cached_page(request, page, "home")


@not_found_as_404
def site_page(request: HttpRequest, slug: str) -> HttpResponse:
    as_of = _parse_date(request.GET.get("as_of"), "as_of")
    return cached_page(request, lambda: _site_page(request, slug, as_of), "site", slug, as_of)


def _site_page(request: HttpRequest, slug: str, as_of: dt.date | None) -> HttpResponse:
    page = cached(
        lambda: queries.public_site(casework.get_site(slug), as_of=as_of),
        "public_site",
        slug,
        as_of,
    )
    context = {
        "page": page,
        "as_of": as_of,
        "dates": {key: _parse_date(page[key], key) for key in DATE_KEYS},
        "chart": charts.running_count_svg(page["summary"]["running"]),
        "stack": charts.breakdown_bar_svg(page["summary"]),
        "breakdown": [
            {"key": g, "label": GROUP_LABELS[g], "count": page["summary"][g]}
            for g in charts.BREAKDOWN
        ],
    }
    return render(request, "publication/site.html", context)


@not_found_as_404
def release_file(request: HttpRequest, slug: str, label: str, name: str) -> HttpResponse:
    """One file of a signed release, read-only, exactly as published (for offline checking)."""
    release = releases.get_release(casework.get_site(slug), label)
    data = releases.release_file(release, name)
    kind = "text/plain" if name.endswith(".txt") else "application/json"
    response = HttpResponse(data, content_type=f"{kind}; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _parse_date(raw: str | None, field: str) -> dt.date | None:
    """A date of the query string; a page for a date that is not one does not exist (404)."""
    try:
        return parse_date(raw, field)
    except InvalidInputError as exc:
        raise Http404(exc.message) from None
