"""Reads of case records, shared by pages, the API and the CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from exhume.access.coding import code_for
from exhume.access.policy import Data, Level, level_of
from exhume.access.records import may_see_record, visible
from exhume.casework import photos as photo_files
from exhume.casework.models import BurialJournalEntry, Grave, Photo, PhotoSubject, Remains, Site
from exhume.counting import category, published_category
from exhume.errors import NotFoundError

REMAINS_FILTERS = ("sex", "age_class", "status", "kind", "cause_of_death", "violent_death")


def get_site(slug: str) -> Site:
    """The site with this slug, or a NotFoundError naming it."""
    try:
        return Site.objects.get(slug=slug)
    except Site.DoesNotExist:
        known = ", ".join(Site.objects.values_list("slug", flat=True)) or "none yet"
        raise NotFoundError(
            _("no site with slug %(slug)r (known: %(known)s)") % {"slug": slug, "known": known},
            field="site",
        ) from None


#: the fields of a site's own prose that can be given in more than one language
SITE_TEXT_FIELDS = ("name", "place", "part_of", "perpetrators", "crime_type", "description")


def site_text(site: Site, language: str | None = None) -> dict[str, str]:
    """The site's prose in ``language`` (default: the active one), field by field, falling back
    to the text as first entered on the site where no translation is given."""
    text = {name: getattr(site, name) for name in SITE_TEXT_FIELDS}
    code = (language or get_language() or "").split("-")[0]
    other = next((t for t in site.texts.all() if t.language == code), None)
    if other is not None:
        text.update(
            {name: getattr(other, name) for name in SITE_TEXT_FIELDS if getattr(other, name)}
        )
    return text


def get_remains(pk: int) -> Remains:
    """The remains record with this id (its site, grave and body loaded), or a NotFoundError."""
    try:
        return Remains.objects.select_related("site", "grave", "body").get(pk=pk)
    except Remains.DoesNotExist:
        raise NotFoundError(
            _("no remains record with id %(pk)s") % {"pk": pk}, field="remains"
        ) from None


def sites() -> QuerySet[Site]:
    return Site.objects.prefetch_related("texts")


def graves(site: Site) -> QuerySet[Grave]:
    return site.graves.order_by("id")


def journal(site: Site, user: Any = None) -> QuerySet[BurialJournalEntry]:
    """The site's journal lines, without those restricted to other people than ``user``."""
    qs = site.journal_entries.select_related("grave").order_by("page", "line", "id")
    return visible(qs, user)


#: What the DNA laboratory sees of a remains record: a code, never a case number or a grave.
CODED_FIELDS = ("kind", "sex", "age_class", "age_min", "age_max")
CODED_FILTERS = ("sex", "age_class", "kind")


def coded(record: Remains) -> dict[str, Any]:
    """The coded view of one remains record (for blind laboratory work)."""
    row: dict[str, Any] = {"id": record.pk, "code": code_for("casework.remains", record.pk)}
    row.update({name: getattr(record, name) for name in CODED_FIELDS})
    for name in ("kind", "sex", "age_class"):
        row[f"{name}_label"] = str(getattr(record, f"get_{name}_display")())
    return row


def remains_for(
    user: Any, site: Site, filters: Mapping[str, str] | None = None
) -> QuerySet[Remains] | list[dict[str, Any]]:
    """The remains ``user`` may see: records in full, or coded rows for a coded role (which may
    filter only on what it sees); restricted records only for their named people."""
    filters = filters or {}
    if level_of(user, Data.REMAINS) is Level.CODED:
        kept = {k: v for k, v in filters.items() if k in CODED_FILTERS}
        return [coded(r) for r in visible(remains(site, kept), user)]
    return visible(remains(site, filters), user)


def remains_record(user: Any, pk: int) -> Remains:
    """One remains record, or NotFoundError when it does not exist or is restricted (as if it
    did not exist: a restriction does not reveal the record)."""
    record = get_remains(pk)
    if not may_see_record(user, record):
        raise NotFoundError(_("no remains record with id %(pk)s") % {"pk": pk}, field="remains")
    return record


def visible_parts(user: Any, record: Remains) -> QuerySet[Remains]:
    return visible(record.parts.all(), user)


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


def identified_grave_ids(site: Site) -> set[int]:
    """The graves of ``site`` holding remains whose identification the board signed (a body
    with ``identified_on``, or a body part tied to one): the site plan's "identified" step."""
    found = Remains.objects.filter(site=site, grave__isnull=False).filter(
        Q(identified_on__isnull=False) | Q(body__identified_on__isnull=False)
    )
    return set(found.values_list("grave_id", flat=True))


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


def logged_category(remains: Remains) -> dict[str, Any]:
    """The category the log (and so every release) publishes for a remains record: its
    :func:`exhume.counting.published_category`, only what the published counts read."""
    return published_category(remains_category(remains))


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


def grave_record(user: Any, pk: int) -> Grave:
    """One grave (its site loaded), or NotFoundError when it does not exist or is restricted."""
    grave = Grave.objects.select_related("site").filter(pk=pk).first()
    if grave is None or not may_see_record(user, grave):
        raise NotFoundError(_("no grave with id %(pk)s") % {"pk": pk}, field="grave")
    return grave


def photos_of(record: Grave | Remains) -> QuerySet[Photo]:
    """The photos of a grave or of a remains record, oldest first."""
    return record.photos.order_by("id")


def photo_of(user: Any, pk: int, *, owner: str) -> Photo:
    """A photo of a ``grave`` or of ``remains`` (``owner``), or NotFoundError when there is no
    such photo of that kind of record, or its record is restricted from ``user``."""
    photo = Photo.objects.select_related("grave", "remains").filter(pk=pk).first()
    record = getattr(photo, owner, None) if photo is not None else None
    if photo is None or record is None or not may_see_record(user, record):
        raise NotFoundError(_("no photo with id %(pk)s") % {"pk": pk}, field="photo")
    return photo


def liaison_photos(user: Any) -> list[dict[str, Any]]:
    """Photos of personal effects that staff let family liaison show to families: the photo,
    its site and the remains' code, nothing else (no case number, grave or caption)."""
    seen = visible(Remains.objects.all(), user)  # one query for the hidden ids, not one a photo
    rows = (
        Photo.objects.filter(subject=PhotoSubject.EFFECTS, shown_to_liaison=True, remains__in=seen)
        .select_related("site")
        .order_by("site__name", "id")
    )
    return [_liaison_row(p) for p in rows]


def _liaison_row(photo: Photo) -> dict[str, Any]:
    return {
        "id": photo.pk,
        "site": photo.site.name,
        "code": code_for("casework.remains", photo.remains_id),
        "width": photo.width,
        "height": photo.height,
    }


def liaison_photo(user: Any, pk: int) -> Photo:
    """A photo family liaison may show, or NotFoundError."""
    photo = Photo.objects.select_related("remains").filter(pk=pk).first()
    if (
        photo is None
        or photo.subject != PhotoSubject.EFFECTS
        or not photo.shown_to_liaison
        or photo.remains is None
        or not may_see_record(user, photo.remains)
    ):
        raise NotFoundError(_("no photo with id %(pk)s") % {"pk": pk}, field="photo")
    return photo


def photo_file(photo: Photo, variant: str) -> Path:
    """The file of a derived copy of ``photo`` (``view`` or ``thumb``; never the original)."""
    path = photo_files.variant_path(photo.sha256, variant)
    if variant not in photo_files.VARIANTS or not path.is_file():
        raise NotFoundError(
            _("no %(variant)s copy of photo %(pk)s") % {"variant": variant, "pk": photo.pk},
            field="variant",
        )
    return path


def photo_file_problems() -> list[str]:
    """Every photo record whose files are missing or changed (:func:`photos.file_problems`)."""
    return photo_files.file_problems(Photo.objects.order_by("pk").values_list("pk", "sha256"))
