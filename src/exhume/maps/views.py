"""The public map of sites and the staff site plan: pages that draw their GeoJSON twins.

The pages hold no script of their own: ``maps/map.js`` reads the GeoJSON address and the
optional tile server from ``data-`` attributes. With no tile server configured
(``EXHUME_MAP_TILES``, the default) nothing is requested from any other host.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from exhume.casework import queries as casework
from exhume.core.http import not_found_as_404
from exhume.maps.queries import STATUSES


def _map_context() -> dict[str, str]:
    return {
        "tiles": settings.EXHUME_MAP_TILES,
        "attribution": settings.EXHUME_MAP_ATTRIBUTION,
    }


def sites_map(request: HttpRequest) -> HttpResponse:
    """Every site on one map (public)."""
    context = {**_map_context(), "geojson_url": reverse("api:maps_sites")}
    return render(request, "maps/sites.html", context)


@login_required
@not_found_as_404
def site_plan(request: HttpRequest, slug: str) -> HttpResponse:
    """The graves of one site, coloured by status, each linked to its records (staff)."""
    site = casework.get_site(slug)
    url = reverse("api:maps_graves", kwargs={"slug": slug})
    context = {**_map_context(), "site": site, "geojson_url": url, "statuses": STATUSES}
    return render(request, "maps/plan.html", context)
