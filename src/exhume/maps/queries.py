"""GeoJSON (RFC 7946) of sites and graves: coordinates are ``[longitude, latitude]``.

Sites (public): location, name, place and the published total, from the counting rules.
Graves (staff): position, number, kind, status and links to the records found in it. A grave's
status is, from the furthest step its records have reached:

* ``not_exhumed``: no remains recorded from it;
* ``exhumed``: remains recorded;
* ``sampled``: a DNA sample taken from its remains;
* ``identified``: an identification of its remains signed.

``sampled`` and ``identified`` come from :data:`STATUS_SOURCES` (each a function from a site to
the ids of its graves at that step): the DNA app's samples
(:func:`exhume.dna.queries.sampled_grave_ids`) and the identifications the board signed
(:func:`exhume.casework.queries.identified_grave_ids`, the remains' ``identified_on``, set only
by the board's actions). The maps app reads them, as it sits above both in the app layers
(``tests/test_architecture.py``): the lower apps never import it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.urls import reverse

from exhume.casework import queries as casework
from exhume.casework.models import Grave, Site
from exhume.dna.queries import sampled_grave_ids
from exhume.publication.queries import site_summary

#: Grave statuses, from the first step to the last.
STATUSES = ("not_exhumed", "exhumed", "sampled", "identified")
#: Steps after exhumation: status -> function(site) -> ids of graves that reached it.
STATUS_SOURCES: dict[str, Callable[[Site], set[int]]] = {
    "sampled": sampled_grave_ids,
    "identified": casework.identified_grave_ids,
}


def _point(longitude: float, latitude: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [longitude, latitude]}


def sites_geojson() -> dict[str, Any]:
    """Every site with coordinates, as public point features (no personal data)."""
    features = []
    for site in casework.sites():
        if site.latitude is None or site.longitude is None:
            continue
        features.append(
            {
                "type": "Feature",
                "id": site.slug,
                "geometry": _point(site.longitude, site.latitude),
                "properties": {
                    "slug": site.slug,
                    "name": site.name,
                    "place": site.place,
                    "total": site_summary(site).total,
                    "is_synthetic": site.is_synthetic,
                    "url": reverse("publication:site", kwargs={"slug": site.slug}),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def grave_statuses(site: Site, graves: list[Grave]) -> dict[int, str]:
    """The status of each grave (see the module docstring)."""
    exhumed = set(site.remains.filter(grave__isnull=False).values_list("grave_id", flat=True))
    status = {g.pk: "exhumed" if g.pk in exhumed else "not_exhumed" for g in graves}
    for step in STATUSES[2:]:
        source = STATUS_SOURCES.get(step)
        for pk in source(site) if source else set():
            if pk in status:
                status[pk] = step
    return status


def graves_geojson(site: Site) -> dict[str, Any]:
    """The site's graves with positions, for staff; graves without a position are counted."""
    graves = list(casework.graves(site))
    status = grave_statuses(site, graves)
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for pk, grave_id, case in site.remains.filter(grave__isnull=False).values_list(
        "pk", "grave_id", "case_number"
    ):
        url = reverse("casework:remains_detail", kwargs={"pk": pk})
        found[grave_id].append({"id": pk, "case_number": case, "url": url})
    features = [
        {
            "type": "Feature",
            "id": g.pk,
            "geometry": _point(g.longitude, g.latitude),
            "properties": {
                "number": g.grave_number,
                "kind": g.kind,
                "status": status[g.pk],
                "remains": found.get(g.pk, []),
            },
        }
        for g in graves
        if g.latitude is not None and g.longitude is not None
    ]
    return {
        "type": "FeatureCollection",
        "features": features,
        "site": {"slug": site.slug, "name": site.name},
        "unplaced": len(graves) - len(features),
        "statuses": {s: sum(1 for v in status.values() if v == s) for s in STATUSES},
    }
