"""The public figures and pages, computed once per state of the records.

Every write appends to the audit log in the transaction that makes it, so the log's head (its
last entry's sequence number and commitment) names the state of every record. Cached values are
keyed by that head: a read asks the database for the head (one indexed query) and finds what
was computed for it; after any write the head differs, every key changes at once and nothing
stale can be served. Nothing needs deleting: old keys age out of the cache.

Two layers: :func:`cached` keeps computed data (the JSON twins' dictionaries), and
:func:`cached_page` keeps the rendered HTML of a public page for visitors who are not logged in
(a logged-in user's page carries their name and a CSRF token, so it is rendered for them, from
the cached data). Within one process a key is computed by one thread while the others wait.
"""

from __future__ import annotations

import contextvars
import hashlib
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from exhume.audit.models import LogEntry

T = TypeVar("T")

_MISSING = object()
_HEAD_SQL = f"SELECT seq, commitment FROM {LogEntry._meta.db_table} ORDER BY seq DESC LIMIT 1"
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


#: The head the request's middleware already read (:mod:`exhume.publication.middleware`).
request_head: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "exhume_request_head", default=None
)


def log_head() -> str:
    """``<seq>-<commitment prefix>`` of the log's last entry, or ``empty`` (or the head the
    request's middleware read at its start).

    The commitment carries a fresh salt, so a database rebuilt to the same size still gets a
    new head."""
    known = request_head.get()
    if known is not None:
        return known
    with connection.cursor() as cursor:  # one indexed query, without the ORM's cost
        cursor.execute(_HEAD_SQL)
        head = cursor.fetchone()
    return f"{head[0]}-{head[1][:16]}" if head else "empty"


def _key(head: str, parts: tuple[Hashable, ...]) -> str:
    """``exhume:<head>:<sha256 of the parts>``: short and safe whatever a URL held."""
    digest = hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"exhume:{head}:{digest}"


def _lock(key: str) -> threading.Lock:
    with _locks_guard:
        if len(_locks) > 10_000:
            _locks.clear()
        return _locks.setdefault(key, threading.Lock())


def _get_or_compute(key: str, compute: Callable[[], T]) -> T:
    value = cache.get(key, _MISSING)
    if value is not _MISSING:
        return value  # type: ignore[no-any-return]
    with _lock(key):
        value = cache.get(key, _MISSING)
        if value is _MISSING:
            value = compute()
            cache.set(key, value, timeout=None)
    return value  # type: ignore[no-any-return]


def cached(compute: Callable[[], T], *parts: Hashable) -> T:
    """``compute()`` for the current log head and ``parts``, computed at most once per head.

    ``parts`` must name everything the result depends on besides the records and the reader's
    language (slug, date); the language is part of every key (names, dates and labels follow
    it)."""
    return _get_or_compute(_key(log_head(), ("data", get_language(), *parts)), compute)


def cached_page(
    request: HttpRequest, render: Callable[[], HttpResponse], *parts: Hashable
) -> HttpResponse:
    """The public page ``render()`` makes, kept per log head, language and ``parts`` for
    visitors who are not logged in; only a 200 answer is kept."""
    if request.user.is_authenticated:
        return render()
    key = _key(log_head(), ("page", get_language(), *parts))
    stored: Any = cache.get(key, _MISSING)
    if stored is _MISSING:
        response = render()
        if response.status_code != 200 or response.streaming or response.cookies:
            return response
        stored = (response.content, response["Content-Type"])
        cache.set(key, stored, timeout=None)
    content, content_type = stored
    return HttpResponse(content, content_type=content_type)
