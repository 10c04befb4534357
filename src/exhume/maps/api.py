"""GeoJSON endpoints: sites (public) and a site's graves (staff, session login)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.security import django_auth

from exhume.casework.queries import get_site
from exhume.maps import queries

public = Router(tags=["maps"])
staff = Router(tags=["staff"], auth=django_auth)

GEOJSON = "application/geo+json"


def _geojson(data: dict[str, Any]) -> HttpResponse:
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type=GEOJSON)


@public.get(
    "/sites.geojson",
    url_name="maps_sites",
    summary="Every site as a GeoJSON point: location and count",
)
def sites(request: HttpRequest) -> HttpResponse:
    return _geojson(queries.sites_geojson())


@staff.get(
    "/sites/{slug}/graves.geojson",
    url_name="maps_graves",
    summary="A site's graves: positions, numbers, status",
)
def graves(request: HttpRequest, slug: str) -> HttpResponse:
    return _geojson(queries.graves_geojson(get_site(slug)))
