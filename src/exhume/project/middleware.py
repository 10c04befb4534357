"""Middleware of the whole site: the Content-Security-Policy header and one log line per request.

The request log is structured (one JSON object a line) and carries no personal data: no client
address, no user name, no query string (a filter could hold a name), no cookie, no user agent;
only the method, the matched route pattern (``sites/<slug:slug>/``, never the path itself), the
status, the duration and the response size.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.http import HttpRequest, HttpResponse

#: Scripts and styles only from our own static files: no inline script, no inline style, no
#: framing, forms posting only to this site. ``data:`` images allow the empty favicon.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

request_log = logging.getLogger("exhume.requests")

Handler = Callable[[HttpRequest], HttpResponse]


def with_tile_server(policy: str, tiles: str) -> str:
    """``policy`` that also allows images from the map tile server ``tiles`` (a URL template;
    ``{s}.`` subdomains become ``*.``), or ``policy`` itself when there is none."""
    if not tiles:
        return policy
    url = urlparse(tiles.replace("{s}.", "*."))
    return policy.replace(
        "img-src 'self' data:", f"img-src 'self' data: {url.scheme}://{url.netloc}"
    )


class ContentSecurityPolicyMiddleware:
    """Set :data:`CONTENT_SECURITY_POLICY` (with the map tile server's images, when
    ``EXHUME_MAP_TILES`` names one) on every response that has none."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.policy = with_tile_server(CONTENT_SECURITY_POLICY, settings.EXHUME_MAP_TILES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class RefusedFormMiddleware:
    """A posted form that is refused answers 400, on every page: a page rendered from a
    template after a POST whose context holds a form with errors (a view's ``form``, the
    admin's ``errors``) gets status 400 instead of 200, so a refusal is never mistaken for a
    success (exhume's own views set it themselves; its admin, and Django's pages such as the
    login page and the admin of accounts, rely on this)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "POST" and response.status_code == 200:
            context = getattr(response, "context_data", None) or {}
            if _has_errors(context):
                response.status_code = 400
        return response


def _has_errors(context: Any) -> bool:
    if not hasattr(context, "get"):
        return False
    if context.get("errors"):
        return True
    form = context.get("form")
    return bool(getattr(form, "is_bound", False) and getattr(form, "errors", None))


class RequestLogMiddleware:
    """Log one structured line per request on ``exhume.requests`` (no personal data)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        if request_log.isEnabledFor(logging.INFO):
            request_log.info(
                "request",
                extra={
                    "fields": {
                        "method": request.method,
                        "route": route_of(request),
                        "status": response.status_code,
                        "ms": round((time.perf_counter() - start) * 1000, 1),
                        "bytes": len(response.content) if not response.streaming else None,
                    }
                },
            )
        return response


def route_of(request: HttpRequest) -> str:
    """The URL pattern that matched (``/api/sites/{slug}``), never the values it captured."""
    match = request.resolver_match
    if match is not None:
        return "/" + match.route
    served: str | None = getattr(request, "exhume_route", None)  # a page served from the cache
    if served is not None:
        return served
    return "/static/" if request.path.startswith("/static/") else "(no route)"


class JsonLineFormatter(logging.Formatter):
    """One JSON object per record: UTC time, level, logger, message and the record's ``fields``."""

    converter = time.gmtime  # type: ignore[assignment]

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%SZ"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(line, ensure_ascii=False, default=str)
