"""What the public sees: site summaries computed from the records, never typed in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from exhume.casework import queries as casework
from exhume.casework.models import Site
from exhume.counting import SiteSummary, summarise
from exhume.publication import releases


def site_summary(site: Site, *, as_of: dt.date | None = None) -> SiteSummary:
    """The site's figures by the counting rules, as of a date when given."""
    return summarise(casework.categories(site, as_of=as_of), as_of=as_of)


def infobox(site: Site, summary: SiteSummary) -> dict[str, Any]:
    """The infobox rows: title, part of, location, victims, perpetrators, type."""
    return {
        "title": site.name,
        "part_of": site.part_of,
        "location": site.place,
        "coordinates": (
            {"latitude": site.latitude, "longitude": site.longitude}
            if site.latitude is not None and site.longitude is not None
            else None
        ),
        "date": _date_range(site),
        "victims": f"{summary.total} killed",
        "perpetrators": site.perpetrators,
        "type": site.crime_type,
    }


def public_site(site: Site, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """Everything on the public site page, as plain data (the HTML page and its JSON twin)."""
    summary = site_summary(site, as_of=as_of)
    others = [
        {
            "slug": s.slug,
            "name": s.name,
            "place": s.place,
            "is_synthetic": s.is_synthetic,
            "total": site_summary(s).total,
        }
        for s in casework.sites().exclude(pk=site.pk)
    ]
    return {
        "slug": site.slug,
        "title": site.name,
        "is_synthetic": site.is_synthetic,
        "headline": f"{summary.total} killed",
        "description": site.description,
        "discovered_on": _iso(site.discovered_on),
        "exhumation_started_on": _iso(site.exhumation_started_on),
        "exhumation_ended_on": _iso(site.exhumation_ended_on),
        "infobox": infobox(site, summary),
        "summary": summary.as_dict(),
        "latest_release": _latest_release(site),
        "explore_more": others,
    }


def _latest_release(site: Site) -> dict[str, Any] | None:
    """The site's newest signed release (label, tree size, files), or None before the first."""
    release = releases.latest_release(site)
    return releases.release_summary(release) if release else None


def site_cards() -> list[dict[str, Any]]:
    """One card per site: name, place, headline figure; for the home page and "explore more"."""
    return [
        {
            "slug": site.slug,
            "name": site.name,
            "place": site.place,
            "is_synthetic": site.is_synthetic,
            "total": site_summary(site).total,
        }
        for site in casework.sites()
    ]


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _date_range(site: Site) -> str:
    start, end = site.exhumation_started_on, site.exhumation_ended_on
    if start and end:
        return f"{start:%-d %B %Y} – {end:%-d %B %Y}"
    return f"{start:%-d %B %Y}" if start else ""
