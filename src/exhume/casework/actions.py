"""Every change of state to case records. Views, the API, importers and the CLI call these."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from exhume.audit.events import Actor, append_event
from exhume.audit.writes import correct, create, full_clean
from exhume.casework import photos, rules
from exhume.casework.models import (
    GRAVE_SUBJECTS,
    REMAINS_SUBJECTS,
    BurialJournalEntry,
    Grave,
    Photo,
    PhotoSubject,
    Remains,
    Site,
    SiteText,
)
from exhume.casework.queries import logged_category
from exhume.errors import InvalidInputError


def do_create_site(actor: Actor, **fields: Any) -> Site:
    """Register a site (name, slug, place, coordinates, dates, perpetrators, type of crime)."""
    return create(Site, actor, fields, check=_check_site)


def do_translate_site(actor: Actor, *, site: Site, language: str, **fields: Any) -> SiteText:
    """Give a site's prose (name, place, part_of, perpetrators, crime_type, description) in one
    more language; once given, it is changed by :func:`do_correct_site_text`."""
    return create(SiteText, actor, {"site": site, "language": language, **fields})


def do_correct_site_text(
    actor: Actor,
    text: SiteText,
    *,
    reason: str,
    authority: str,
    reason_code: str = "other",
    **changes: Any,
) -> SiteText:
    """Correct a site's text in one language as a logged new version."""
    return correct(
        text, actor, changes, reason=reason, authority=authority, reason_code=reason_code
    )


def do_record_grave(actor: Actor, *, site: Site, grave_number: str, **fields: Any) -> Grave:
    """Record a grave as marked on site."""
    return create(Grave, actor, {"site": site, "grave_number": grave_number.strip(), **fields})


def do_record_journal_entry(
    actor: Actor, *, site: Site, grave_number: str, name_as_written: str, **fields: Any
) -> BurialJournalEntry:
    """Transcribe one line of the burial journal; tie it to the grave bearing the same number."""
    number = grave_number.strip()
    fields.setdefault("grave", Grave.objects.filter(site=site, grave_number=number).first())
    return create(
        BurialJournalEntry,
        actor,
        {"site": site, "grave_number": number, "name_as_written": name_as_written, **fields},
    )


def do_record_remains(
    actor: Actor, *, site: Site, case_number: str, exhumed_on: dt.date, **fields: Any
) -> Remains:
    """Record one exhumed body or body part, refusing inconsistent combinations."""
    return create(
        Remains,
        actor,
        {"site": site, "case_number": case_number.strip(), "exhumed_on": exhumed_on, **fields},
        check=check_remains,
        categorise=logged_category,
    )


def do_correct_remains(
    actor: Actor,
    remains: Remains,
    *,
    reason: str,
    authority: str,
    reason_code: str = "other",
    **changes: Any,
) -> Remains:
    """Correct a remains record: a new version whose log entry supersedes the previous one."""
    return correct(
        remains,
        actor,
        changes,
        reason=reason,
        authority=authority,
        reason_code=reason_code,
        check=check_remains,
        categorise=logged_category,
    )


def record_identification(
    actor: Actor, remains: Remains, *, identified_on: dt.date | None, reason: str, authority: str
) -> Remains:
    """Set or clear the date a board confirmed who these remains are (never a name): a logged
    correction whose counting category carries it. Called only by the identification board's
    actions, inside their transaction."""
    if remains.kind != "body":
        raise InvalidInputError(
            _("only a body is identified; a body part follows its body"), field="kind"
        )
    return correct(
        remains,
        actor,
        {"identified_on": identified_on},
        reason=reason,
        authority=authority,
        reason_code="identification",
        check=check_remains,
        categorise=logged_category,
    )


def do_correct_site(
    actor: Actor,
    site: Site,
    *,
    reason: str,
    authority: str,
    reason_code: str = "other",
    **changes: Any,
) -> Site:
    """Correct a site's description (dates, place, coordinates ...) as a logged new version."""
    return correct(
        site,
        actor,
        changes,
        reason=reason,
        authority=authority,
        reason_code=reason_code,
        check=_check_site,
    )


def do_correct_grave(
    actor: Actor,
    grave: Grave,
    *,
    reason: str,
    authority: str,
    reason_code: str = "other",
    **changes: Any,
) -> Grave:
    """Correct a grave record (grave number, coordinates, kind) as a logged new version."""
    return correct(
        grave, actor, changes, reason=reason, authority=authority, reason_code=reason_code
    )


def do_correct_journal_entry(
    actor: Actor,
    entry: BurialJournalEntry,
    *,
    reason: str,
    authority: str,
    reason_code: str = "other",
    **changes: Any,
) -> BurialJournalEntry:
    """Correct a transcription of the burial journal as a logged new version."""
    return correct(
        entry, actor, changes, reason=reason, authority=authority, reason_code=reason_code
    )


def check_remains(remains: Remains) -> None:
    """All cross-field rules of :mod:`exhume.casework.rules` for one remains record."""
    rules.check_age(remains.age_class, remains.age_min, remains.age_max)
    rules.check_torture(remains.torture_indicators)
    rules.check_cause(remains.cause_of_death, remains.violent_death)
    parent = remains.body
    rules.check_body_part(
        kind=remains.kind,
        body_kind=parent.kind if parent else None,
        body_site=parent.site_id if parent else None,
        site=remains.site_id,
        is_self=parent is not None and parent.pk == remains.pk,
    )
    rules.check_person_fields_on_part(
        kind=remains.kind, status=remains.status, age_class=remains.age_class
    )
    if remains.grave is not None and remains.grave.site_id != remains.site_id:
        raise InvalidInputError(_("the grave belongs to another site"), field="grave")


def _check_site(site: Site) -> None:
    start, end = site.exhumation_started_on, site.exhumation_ended_on
    if start and end and end < start:
        raise InvalidInputError(
            _("exhumation cannot end (%(end)s) before it starts (%(start)s)")
            % {"end": end, "start": start},
            field="exhumation_ended_on",
        )
    for name, value, limit in (("latitude", site.latitude, 90), ("longitude", site.longitude, 180)):
        if value is not None and not -limit <= value <= limit:
            raise InvalidInputError(
                _("%(value)s is outside ±%(limit)s degrees") % {"value": value, "limit": limit},
                field=name,
            )


def do_add_photo(
    actor: Actor,
    *,
    data: bytes,
    subject: str,
    grave: Grave | None = None,
    remains: Remains | None = None,
    caption: str = "",
    shown_to_liaison: bool = False,
) -> Photo:
    """Add a photo of a grave or of remains (their effects, a document found with them).

    The bytes are checked (:func:`exhume.casework.photos.check_image`: an image, within the
    stated size limit, no decompression bomb), the derived copies made without metadata and
    everything written under a temporary name; the record and its log entry, whose reason
    names the original's SHA-256, are written in one durable transaction, and the files are
    moved into place only once it has committed. A failure leaves neither record nor file.
    """
    owner = grave or remains
    if owner is None or (grave is not None and remains is not None):
        raise InvalidInputError(_("a photo belongs to one grave or one remains record"))
    checked = photos.check_image(data, limit=settings.EXHUME_PHOTO_MAX_BYTES)
    photos.finish_interrupted(lambda sha: Photo.objects.filter(sha256=sha).exists())
    photo = Photo(
        site=owner.site,
        grave=grave,
        remains=remains,
        subject=subject,
        caption=caption.strip(),
        sha256=checked.sha256,
        media_type=checked.media_type,
        width=checked.width,
        height=checked.height,
        size_bytes=checked.size_bytes,
        shown_to_liaison=shown_to_liaison,
    )
    check_photo(photo)
    staging = photos.stage(checked.sha256, data, photos.derived_copies(data))
    try:
        with transaction.atomic(durable=True):
            full_clean(photo)
            photo.save()
            append_event(
                photo,
                action="create",
                actor=actor,
                reason=f"{photo.subject} photo; original sha256 {checked.sha256}",
            )
            transaction.on_commit(lambda: photos.move_into_place(staging, checked.sha256))
    except BaseException:
        photos.discard(staging)
        raise
    return photo


def do_show_photo_to_liaison(
    actor: Actor, photo: Photo, *, shown: bool, reason: str, authority: str
) -> Photo:
    """Let family liaison show a photo of personal effects to families (or stop it): a logged
    correction of the photo record."""
    return correct(
        photo,
        actor,
        {"shown_to_liaison": shown},
        reason=reason,
        authority=authority,
        check=check_photo,
    )


def check_photo(photo: Photo) -> None:
    """A photo belongs to one grave or one remains record, shows what such a record may show,
    and only a photo of personal effects may be shown to family liaison."""
    if (photo.grave is None) == (photo.remains is None):
        raise InvalidInputError(_("a photo belongs to one grave or one remains record"))
    allowed = GRAVE_SUBJECTS if photo.grave is not None else REMAINS_SUBJECTS
    if photo.subject not in allowed:
        raise InvalidInputError(
            _("a photo of this record shows one of: %(join)s")
            % {"join": ", ".join(str(s.value) for s in allowed)},
            field="subject",
        )
    if photo.shown_to_liaison and photo.subject != PhotoSubject.EFFECTS:
        raise InvalidInputError(
            _("only a photo of personal effects may be shown to family liaison"),
            field="shown_to_liaison",
        )
