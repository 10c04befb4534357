"""The language switch: a plain link, so that public pages stay cacheable and free of tokens."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def choose_language(request: HttpRequest) -> HttpResponse:
    """Remember ``?language=`` (one of settings.LANGUAGES) in the language cookie and go back to
    ``?next=`` (a path on this site, else the home page). Choosing a language changes no record,
    so a GET link serves; an unknown language is ignored."""
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    code = request.GET.get("language", "")
    if code in {c for c, _name in settings.LANGUAGES}:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response
