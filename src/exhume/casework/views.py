"""Staff pages behind login: graves, the burial journal, remains with filters, one record.

Who may open each page is decided before the view runs, by the access policy
(:mod:`exhume.access`): anonymous visitors are sent to the login page, a role that may not see
the data gets 403. The DNA laboratory sees remains coded (no case number, grave or personal
effects); a restricted record is shown only to its named people. Each page names its JSON twin
under ``/api/staff/``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exhume.access.policy import Data, Level, level_of
from exhume.audit import queries as audit
from exhume.casework import queries
from exhume.casework.actions import do_add_photo, do_show_photo_to_liaison
from exhume.casework.forms import LiaisonForm, PhotoForm
from exhume.casework.models import (
    AgeClass,
    CauseOfDeath,
    RemainsKind,
    Status,
    TortureIndicator,
    ViolentDeath,
)
from exhume.casework.photos import check_size
from exhume.casework.queries import CODED_FILTERS
from exhume.core.admin import actor_for
from exhume.core.choices import Sex
from exhume.core.dates import parse_date
from exhume.core.exports import export, record_row, requested_format
from exhume.core.http import not_found_as_404
from exhume.errors import InvalidInputError


def index(request: HttpRequest) -> HttpResponse:
    if fmt := requested_format(request):
        return export([record_row(s) for s in queries.sites()], name="sites", fmt=fmt)
    return render(request, "casework/index.html", {"sites": queries.sites()})


@not_found_as_404
def graves(request: HttpRequest, slug: str) -> HttpResponse:
    site = queries.get_site(slug)
    if fmt := requested_format(request):
        rows = [record_row(g) for g in queries.graves(site)]
        return export(rows, name=f"{slug}-graves", fmt=fmt)
    return render(request, "casework/graves.html", {"site": site, "graves": queries.graves(site)})


@not_found_as_404
def journal(request: HttpRequest, slug: str) -> HttpResponse:
    site = queries.get_site(slug)
    entries = queries.journal(site, request.user)
    if fmt := requested_format(request):
        return export([record_row(e) for e in entries], name=f"{slug}-journal", fmt=fmt)
    return render(request, "casework/journal.html", {"site": site, "entries": entries})


@not_found_as_404
def remains_list(request: HttpRequest, slug: str) -> HttpResponse:
    """All remains of a site filtered by the query string; an HTMX request gets the rows only."""
    site = queries.get_site(slug)
    filters = {k: v for k, v in request.GET.dict().items() if v}
    error = _date_error(filters.get("exhumed_on"))
    searched = {k: v for k, v in filters.items() if not (error and k == "exhumed_on")}
    is_coded = level_of(request.user, Data.REMAINS) is Level.CODED
    if fmt := requested_format(request):
        found = queries.remains_for(request.user, site, searched)
        table = [r if isinstance(r, dict) else record_row(r) for r in found]
        return export(table, name=f"{slug}-remains", fmt=fmt)
    choices = {
        "sex": Sex.choices,
        "age_class": AgeClass.choices,
        "status": Status.choices,
        "kind": RemainsKind.choices,
        "cause_of_death": CauseOfDeath.choices,
        "violent_death": ViolentDeath.choices,
    }
    context = {
        "site": site,
        "remains": queries.remains_for(request.user, site, searched),
        "is_coded": is_coded,
        "filters": filters,
        "filter_error": error,
        "query": _without_format(request),
        "choices": {k: v for k, v in choices.items() if not is_coded or k in CODED_FILTERS},
    }
    rows = "_remains_coded_rows" if is_coded else "_remains_rows"
    template = (
        f"casework/{rows}.html" if request.headers.get("HX-Request") else "casework/remains.html"
    )
    return render(request, template, context)


def _without_format(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("format", None)
    return query.urlencode()


def _date_error(raw: str | None) -> str:
    """A message when ``raw`` is given but is not an ISO date, else ``""``."""
    try:
        parse_date(raw, "exhumed_on")
    except InvalidInputError as exc:
        return _("%(message)s; the date filter was not applied") % {"message": exc.message}
    return ""


@not_found_as_404
def remains_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One remains record with its body parts and its versions in the audit log (coded for the
    laboratory: no case number, grave, effects or history)."""
    record = queries.remains_record(request.user, pk)
    if level_of(request.user, Data.REMAINS) is Level.CODED:
        context = {"remains": queries.coded(record), "site": record.site}
        return render(request, "casework/remains_coded.html", context)
    labels = dict(TortureIndicator.choices)
    context = {
        "remains": record,
        "torture": [labels.get(code, code) for code in record.torture_indicators],
        "parts": queries.visible_parts(request.user, record),
        "history": audit.history(record),
    }
    return render(request, "casework/remains_detail.html", context)


#: what a multipart form around a photo adds to the request (fields, boundaries)
FORM_OVERHEAD = 64 * 1024


@not_found_as_404
def grave_photos(request: HttpRequest, pk: int) -> HttpResponse:
    """The photos of one grave; a POST adds one (roles that edit graves)."""
    grave = queries.grave_record(request.user, pk)
    return _photos_page(request, grave, owner="grave", site=grave.site)


@not_found_as_404
def remains_photos(request: HttpRequest, pk: int) -> HttpResponse:
    """The photos of one remains record, its effects and documents; a POST adds one."""
    record = queries.remains_record(request.user, pk)
    return _photos_page(request, record, owner="remains", site=record.site)


def _photos_page(request: HttpRequest, record: Any, *, owner: str, site: Any) -> HttpResponse:
    form, refused = PhotoForm(owner=owner), ""
    if request.method == "POST":
        form, refused = _add_photo(request, record, owner)
        if form.is_bound and not refused and not form.errors:
            return redirect(request.path)
    context = {
        "site": site,
        "record": record,
        "owner": owner,
        "photos": queries.photos_of(record),
        "form": form,
        "refused": refused,
        "limit_mb": settings.EXHUME_PHOTO_MAX_BYTES / 2**20,
    }
    status = 400 if refused or form.errors else 200
    return render(request, "casework/photos.html", context, status=status)


def _add_photo(request: HttpRequest, record: Any, owner: str) -> tuple[PhotoForm, str]:
    """Validate the upload and call the action: the form, and why the upload was refused
    before the form was read. The stated size limit is checked on the request's length
    first, so an upload far over it is refused before its file is read."""
    limit = settings.EXHUME_PHOTO_MAX_BYTES
    try:
        check_size(max(0, int(request.META.get("CONTENT_LENGTH") or 0) - FORM_OVERHEAD), limit)
    except InvalidInputError as exc:
        return PhotoForm(owner=owner), exc.message
    form = PhotoForm(request.POST, request.FILES, owner=owner)
    if not form.is_valid():
        return form, ""
    upload = form.cleaned_data["photo"]
    try:
        check_size(upload.size or 0, limit)
        do_add_photo(
            actor_for(request),
            data=upload.read(),
            subject=form.cleaned_data["subject"],
            caption=form.cleaned_data["caption"],
            shown_to_liaison=form.cleaned_data.get("shown_to_liaison", False),
            **{owner: record},
        )
    except InvalidInputError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return form, ""


@not_found_as_404
def grave_photo_file(request: HttpRequest, pk: int, variant: str) -> FileResponse:
    """A derived copy (no metadata) of a photo of a grave."""
    photo = queries.photo_of(request.user, pk, owner="grave")
    return _image(queries.photo_file(photo, variant))


@not_found_as_404
def remains_photo_file(request: HttpRequest, pk: int, variant: str) -> FileResponse:
    """A derived copy (no metadata) of a photo of remains, effects or a document."""
    photo = queries.photo_of(request.user, pk, owner="remains")
    return _image(queries.photo_file(photo, variant))


def _image(path: Any) -> FileResponse:
    response = FileResponse(path.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
@not_found_as_404
def photo_liaison(request: HttpRequest, pk: int) -> HttpResponse:
    """Let family liaison show a photo of personal effects, or stop it (POST, with a reason)."""
    photo = queries.photo_of(request.user, pk, owner="remains")
    form = LiaisonForm(request.POST)
    if form.is_valid():
        try:
            do_show_photo_to_liaison(
                actor_for(request),
                photo,
                shown=form.cleaned_data["shown"],
                reason=form.cleaned_data["reason"],
                authority=request.user.get_username(),
            )
        except InvalidInputError as exc:
            return HttpResponse(exc.message, status=400, content_type="text/plain")
        return redirect("casework:remains_photos", pk=photo.remains_id)
    return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")


def liaison_photos(request: HttpRequest) -> HttpResponse:
    """Photos of personal effects that family liaison may show to families."""
    context = {"photos": queries.liaison_photos(request.user)}
    return render(request, "casework/liaison_photos.html", context)


@not_found_as_404
def liaison_photo_file(request: HttpRequest, pk: int, variant: str) -> FileResponse:
    """A derived copy of a photo of personal effects that family liaison may show."""
    return _image(queries.photo_file(queries.liaison_photo(request.user, pk), variant))
