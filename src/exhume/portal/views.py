"""The family portal's pages: the public report form and status page (Ukrainian unless the
reader chose English), and family liaison's list and check of the reports.

Abuse protection on the form: CSRF (Django's middleware), a size limit on the request, the
form's own field limits, a honeypot field, and a limit of :data:`RATE_LIMIT` reports per
address per hour (counted in the cache).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation

from exhume.core.admin import actor_for
from exhume.core.exports import export, requested_format
from exhume.core.http import not_found_as_404
from exhume.errors import AccessDeniedError, InvalidInputError, NotFoundError
from exhume.portal import actions, queries
from exhume.portal.forms import HONEYPOT, CheckForm, ReportForm

RATE_LIMIT = 5  # reports per address per hour
RATE_WINDOW_S = 3600
MAX_BODY = 16 * 1024  # bytes: the form's fields at their limits fit several times over
PORTAL_LANGUAGE = "uk"


def report(request: HttpRequest) -> HttpResponse:
    """The public form; a valid report is recorded and its reference and link shown once."""
    _portal_language(request)
    if request.method != "POST":
        return render(request, "portal/report_form.html", {"form": ReportForm()})
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY:
        return _refused(request, 413, ReportForm())
    form = ReportForm(request.POST)
    if not _within_rate(request):
        return _refused(request, 429, form)
    if not form.is_valid():
        return render(request, "portal/report_form.html", {"form": form}, status=400)
    if form.cleaned_data.get(HONEYPOT):
        return _refused(request, 400, ReportForm())
    receipt = actions.do_submit_report(
        language=translation.get_language() or PORTAL_LANGUAGE, **form.report_fields()
    )
    link = request.build_absolute_uri(reverse("portal:status", kwargs={"token": receipt.token}))
    context = {"reference": receipt.report.reference, "link": link}
    return _private(render(request, "portal/report_sent.html", context))


def status(request: HttpRequest, token: str) -> HttpResponse:
    """What a family's private link shows: coarse steps only."""
    _portal_language(request)
    try:
        found = queries.report_by_token(token)
    except NotFoundError as exc:
        return _private(render(request, "portal/status.html", {"error": exc.message}, status=404))
    context = {"status": queries.status(found), "received": found.received_at}
    return _private(render(request, "portal/status.html", context))


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    """Family liaison's list of the reports families sent, those waiting first."""
    rows = [queries.report_row(r) for r in queries.reports()]
    if fmt := requested_format(request):
        return export(rows, name="family-reports", fmt=fmt)
    return render(request, "portal/staff_reports.html", {"rows": rows})


@login_required
@not_found_as_404
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report: what the family wrote, what its link shows; check it, or manage the link."""
    record = queries.get_report(pk)
    form = CheckForm(request.POST or None)
    error, new_link = "", ""
    if request.method == "POST" and form.is_valid():
        try:
            new_link = _check(request, record, form.cleaned_data)
        except (InvalidInputError, AccessDeniedError, NotFoundError) as exc:
            error = exc.message
        else:
            if not new_link:
                return redirect("portal:report_detail", pk=record.pk)
        record = queries.get_report(pk)
    context = {"r": queries.report_row(record), "status": queries.status(record), "form": form,
               "error": error, "new_link": new_link}  # fmt: skip
    response = render(request, "portal/staff_report.html", context, status=400 if error else 200)
    return _private(response) if new_link else response


def _check(request: HttpRequest, record: Any, data: dict[str, Any]) -> str:
    actor, note = actor_for(request), data.get("note") or ""
    match data["action"]:
        case "verify":
            person = queries.existing_person(data.get("missing_person"))
            actions.do_verify_report(actor, record, missing_person=person, note=note)
        case "reject":
            actions.do_reject_report(actor, record, reason=note)
        case "revoke":
            actions.do_revoke_link(actor, record, reason=note)
        case _:
            receipt = actions.do_issue_link(actor, record, reason=note)
            path = reverse("portal:status", kwargs={"token": receipt.token})
            return request.build_absolute_uri(path)
    return ""


def _portal_language(request: HttpRequest) -> None:
    """Ukrainian unless the reader chose another language with the switch (its cookie)."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    language = chosen if chosen in dict(settings.LANGUAGES) else PORTAL_LANGUAGE
    translation.activate(language)
    request.LANGUAGE_CODE = language


def _within_rate(request: HttpRequest) -> bool:
    address = client_address(request)
    key = "portal-rate:" + hashlib.sha256(address.encode()).hexdigest()
    cache.add(key, 0, RATE_WINDOW_S)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_S)
        count = 1
    return count <= RATE_LIMIT


def client_address(request: HttpRequest) -> str:
    """The client's address: the proxy's ``X-Real-IP`` behind the documented TLS proxy
    (``EXHUME_BEHIND_TLS``), else the connection's."""
    header = getattr(settings, "CLIENT_ADDRESS_HEADER", "")
    return str((request.META.get(header) if header else "") or request.META.get("REMOTE_ADDR", ""))


def _refused(request: HttpRequest, code: int, form: ReportForm) -> HttpResponse:
    context = {"form": form, "refused": code}
    return render(request, "portal/report_form.html", context, status=code)


def _private(response: HttpResponse) -> HttpResponse:
    """Never cached, never sent on as a referrer: the page carries or is a private link."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
