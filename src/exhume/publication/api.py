"""JSON twins of the public pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router

from exhume.casework import queries as casework
from exhume.publication import queries, releases
from exhume.publication.cache import cached

router = Router(tags=["public"])


@router.get("/sites", summary="Every site with its headline figure")
def list_sites(request: HttpRequest) -> list[dict[str, Any]]:
    return cached(queries.site_cards, "site_cards")


@router.get("/sites/{slug}", summary="The public site page: figures, infobox, running count")
def site_page(request: HttpRequest, slug: str, as_of: dt.date | None = None) -> dict[str, Any]:
    return cached(
        lambda: queries.public_site(casework.get_site(slug), as_of=as_of),
        "public_site",
        slug,
        as_of,
    )


@router.get("/sites/{slug}/stats", summary="The site summary as `exhume stats` prints it")
def site_stats(request: HttpRequest, slug: str, as_of: dt.date | None = None) -> dict[str, Any]:
    return cached(
        lambda: queries.site_summary(casework.get_site(slug), as_of=as_of).as_dict(),
        "site_stats", slug, as_of,
    )  # fmt: skip


@router.get("/sites/{slug}/releases", summary="The site's signed releases, newest first")
def site_releases(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    return cached(
        lambda: [
            {**releases.release_summary(r), "urls": _file_urls(slug, r.label)}
            for r in releases.site_releases(casework.get_site(slug))
        ],
        "site_releases", slug,
    )  # fmt: skip


def _file_urls(slug: str, label: str) -> dict[str, str]:
    where = {"slug": slug, "label": label}
    return {
        name: reverse("publication:release_file", kwargs={**where, "name": name})
        for name in releases.RELEASE_FILES
    }
