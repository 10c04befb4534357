"""JSON twins of the public pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router

from exhume.casework import queries as casework
from exhume.publication import queries

router = Router(tags=["public"])


@router.get("/sites", summary="Every site with its headline figure")
def list_sites(request: HttpRequest) -> list[dict[str, Any]]:
    return queries.site_cards()


@router.get("/sites/{slug}", summary="The public site page: figures, infobox, running count")
def site_page(request: HttpRequest, slug: str, as_of: dt.date | None = None) -> dict[str, Any]:
    return queries.public_site(casework.get_site(slug), as_of=as_of)


@router.get("/sites/{slug}/stats", summary="The site summary as `exhume stats` prints it")
def site_stats(request: HttpRequest, slug: str, as_of: dt.date | None = None) -> dict[str, Any]:
    return queries.site_summary(casework.get_site(slug), as_of=as_of).as_dict()
