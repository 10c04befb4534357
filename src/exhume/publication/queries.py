"""What the public sees: site summaries computed from the records, never typed in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import ngettext

from exhume.casework import queries as casework
from exhume.casework.models import Site
from exhume.counting import SiteSummary, summarise
from exhume.publication import releases


def site_summary(site: Site, *, as_of: dt.date | None = None) -> SiteSummary:
    """The site's figures by the counting rules, as of a date when given."""
    return summarise(casework.categories(site, as_of=as_of), as_of=as_of)


def infobox(site: Site, summary: SiteSummary) -> dict[str, Any]:
    """The infobox rows: title, part of, location, victims, perpetrators, type (in the reader's
    language where the site's text is given in it)."""
    text = casework.site_text(site)
    return {
        "title": text["name"],
        "part_of": text["part_of"],
        "location": text["place"],
        "coordinates": (
            {"latitude": site.latitude, "longitude": site.longitude}
            if site.latitude is not None and site.longitude is not None
            else None
        ),
        "date": _date_range(site),
        "victims": killed(summary.total),
        "perpetrators": text["perpetrators"],
        "type": text["crime_type"],
    }


def public_site(site: Site, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """Everything on the public site page, as plain data (the HTML page and its JSON twin)."""
    summary = site_summary(site, as_of=as_of)
    others = [card(s) for s in casework.sites().exclude(pk=site.pk)]
    text = casework.site_text(site)
    return {
        "slug": site.slug,
        "title": text["name"],
        "is_synthetic": site.is_synthetic,
        "headline": killed(summary.total),
        "description": text["description"],
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
    return [card(site) for site in casework.sites()]


def card(site: Site) -> dict[str, Any]:
    """A site's card: slug, name and place in the reader's language, headline total."""
    text = casework.site_text(site)
    return {
        "slug": site.slug,
        "name": text["name"],
        "place": text["place"],
        "is_synthetic": site.is_synthetic,
        "total": site_summary(site).total,
    }


def killed(total: int) -> str:
    """ "445 killed" in the reader's language (Ukrainian has three plural forms)."""
    return ngettext("%(n)d killed", "%(n)d killed", total) % {"n": total}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _date_range(site: Site) -> str:
    start, end = site.exhumation_started_on, site.exhumation_ended_on
    if start and end:
        return f"{date_format(start, 'j E Y')} – {date_format(end, 'j E Y')}"
    return date_format(start, "j E Y") if start else ""
