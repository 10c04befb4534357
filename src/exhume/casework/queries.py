"""Reads of case records, shared by pages, the API and the CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import QuerySet

from exhume.casework.models import BurialJournalEntry, Grave, Remains, Site
from exhume.counting import category
from exhume.errors import NotFoundError

REMAINS_FILTERS = ("sex", "age_class", "status", "kind", "cause_of_death", "violent_death")


def get_site(slug: str) -> Site:
    """The site with this slug, or a NotFoundError naming it."""
    try:
        return Site.objects.get(slug=slug)
    except Site.DoesNotExist:
        known = ", ".join(Site.objects.values_list("slug", flat=True)) or "none yet"
        raise NotFoundError(f"no site with slug {slug!r} (known: {known})", field="site") from None


def get_remains(pk: int) -> Remains:
    """The remains record with this id (its site, grave and body loaded), or a NotFoundError."""
    try:
        return Remains.objects.select_related("site", "grave", "body").get(pk=pk)
    except Remains.DoesNotExist:
        raise NotFoundError(f"no remains record with id {pk}", field="remains") from None


def sites() -> QuerySet[Site]:
    return Site.objects.all()


def graves(site: Site) -> QuerySet[Grave]:
    return site.graves.order_by("id")


def journal(site: Site) -> QuerySet[BurialJournalEntry]:
    return site.journal_entries.select_related("grave").order_by("page", "line", "id")


def remains(site: Site, filters: Mapping[str, str] | None = None) -> QuerySet[Remains]:
    """Remains of a site, filtered by any of :data:`REMAINS_FILTERS` plus ``torture=yes|no`` and
    ``exhumed_on=YYYY-MM-DD``. Unknown filters are ignored; empty values mean 'any'."""
    qs = site.remains.select_related("grave").order_by("exhumed_on", "id")
    filters = filters or {}
    if any("\x00" in value for value in filters.values()):
        return qs.none()  # no stored text holds a NUL (PostgreSQL cannot even compare with one)
    for name in REMAINS_FILTERS:
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("exhumed_on"):
        qs = qs.filter(exhumed_on=filters["exhumed_on"])
    if filters.get("torture") == "yes":
        qs = qs.exclude(torture_indicators=[])
    elif filters.get("torture") == "no":
        qs = qs.filter(torture_indicators=[])
    return qs


def remains_category(remains: Remains) -> dict[str, Any]:
    """The counting category of one remains record (see exhume.counting)."""
    return category(
        kind=remains.kind,
        tied_to_person=remains.body_id is not None,
        status=remains.status,
        age_class=remains.age_class,
        sex=remains.sex,
        violent_death=remains.violent_death,
        torture=bool(remains.torture_indicators),
        exhumed_on=remains.exhumed_on,
        identified_on=remains.identified_on,
    )


def categories(site: Site, *, as_of: dt.date | None = None) -> Iterator[dict[str, Any]]:
    """Counting categories of every remains record of the site (optionally up to a date)."""
    qs = Remains.objects.filter(site=site).only(
        "kind",
        "body_id",
        "status",
        "age_class",
        "sex",
        "violent_death",
        "torture_indicators",
        "exhumed_on",
        "identified_on",
    )
    if as_of is not None:
        qs = qs.filter(exhumed_on__lte=as_of)
    for row in qs.iterator(chunk_size=2000):
        yield remains_category(row)
