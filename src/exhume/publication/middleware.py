"""The public pages' bytes, served before the rest of the middleware stack runs.

A visitor who is not logged in asking for a public page or its JSON twin gets the bytes the
page gave last time, as long as the log's head has not moved: one indexed query (the head),
no session, no user, no URL resolution, no view, no template. Rules:

* Only ``GET`` requests for the routes of :data:`CACHED_ROUTES` (the public figures, which
  depend on the records and the language only), with no cookie but the CSRF and language
  cookies (a session cookie may belong to a logged-in user: their page is theirs) and no query
  parameter but ``as_of`` (others are ignored by the pages: such requests take the usual path,
  which shares the view's cache). A path is looked up here only once it has answered as such a
  route, so no other request pays for the head query.
* The key is (log head, language as Django chooses it, path, ``as_of``). A write anywhere
  appends to the log, so the head changes and every key with it: nothing stale is served. The
  store is per process and keeps one head's pages (it empties when the head moves).
* Only an answer of 200 that sets no cookie is kept, with its headers as the rest of the stack
  made them (``Vary``, ``Content-Language``, ``X-Frame-Options`` ...); the middleware above this
  one (security headers, CSP, the request log) runs on every answer, cached or not.
* Each kept answer has an ``ETag`` (a hash of its bytes); a request whose ``If-None-Match``
  names it gets ``304 Not Modified`` with no body.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.translation import get_language_from_request

from exhume.publication.cache import log_head, request_head

Handler = Callable[[HttpRequest], HttpResponse]

#: The routes whose answers depend only on the records (the log's head) and the language.
CACHED_ROUTES = frozenset(
    {
        "publication:home",
        "publication:site",
        "api:list_sites",
        "api:site_page",
        "api:site_stats",
        "api:site_releases",
    }
)
#: Query parameters the cached pages read; a request with any other takes the usual path.
CACHED_PARAMETERS = frozenset({"as_of"})
#: Pages kept per process for the current head before the store is emptied.
MAX_PAGES = 512
#: Headers never replayed: the server and the outer middleware set them on each answer.
_NOT_REPLAYED = frozenset({"content-length", "date", "server", "connection"})


@dataclass(frozen=True)
class StoredPage:
    """A public answer as it left the inner stack."""

    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    route: str


class PageStore:
    """One head's pages, per process; replaced as a whole when the head moves."""

    def __init__(self) -> None:
        self.head = ""
        self.pages: dict[tuple[str, str, str], StoredPage] = {}
        self.paths: set[str] = set()
        self.lock = threading.Lock()

    def remember(self, path: str) -> None:
        """``path`` answered as a public page: from now on, it is looked up here first."""
        with self.lock:
            if len(self.paths) >= MAX_PAGES:
                self.paths = set()
            self.paths.add(path)

    def get(self, head: str, key: tuple[str, str, str]) -> StoredPage | None:
        if head != self.head:
            return None
        return self.pages.get(key)

    def put(self, head: str, key: tuple[str, str, str], page: StoredPage) -> None:
        with self.lock:
            if head != self.head or len(self.pages) >= MAX_PAGES:
                self.head, self.pages = head, {}
            self.pages[key] = page


STORE = PageStore()


def etag_of(content: bytes) -> str:
    """A strong ETag: the first 32 hex digits of the bytes' SHA-256, quoted."""
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _stored(response: HttpResponse, route: str) -> StoredPage:
    """The page to keep of an answer :meth:`PublicCacheMiddleware._route_to_keep` let through."""
    headers = tuple(
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in _NOT_REPLAYED
    )
    return StoredPage(response.content, headers, etag_of(response.content), route)


class PublicCacheMiddleware:
    """Serve public pages from :data:`STORE` (see the module docstring)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.cookies = frozenset({settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME})

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._may_be_cached(request):
            return self.get_response(request)
        if request.path not in STORE.paths:  # never asks the database for other pages
            response = self.get_response(request)
            if self._route_to_keep(request, response) is not None:
                STORE.remember(request.path)
            return response
        key = (get_language_from_request(request), request.path, request.GET.get("as_of", ""))
        head = log_head()
        page = STORE.get(head, key)
        if page is not None:
            return self._replay(request, page)
        token = request_head.set(head)  # the view's caches use it: no second head query
        try:
            response = self.get_response(request)
        finally:
            request_head.reset(token)
        route = self._route_to_keep(request, response)
        if route is not None:
            page = _stored(response, route)
            STORE.put(head, key, page)
            response["ETag"] = page.etag
        return response

    def _may_be_cached(self, request: HttpRequest) -> bool:
        """A GET with no cookie but the CSRF and language ones, no parameter but ``as_of``."""
        return (
            request.method == "GET"
            and set(request.COOKIES) <= self.cookies
            and set(request.GET) <= CACHED_PARAMETERS
        )

    def _route_to_keep(self, request: HttpRequest, response: HttpResponse) -> str | None:
        """The route of a public answer that may be kept (200, no cookie set, no user logged
        in), or None; it reads no body."""
        match = request.resolver_match
        if match is None or match.view_name not in CACHED_ROUTES:
            return None
        if response.status_code != 200 or response.streaming or response.cookies:
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        return "/" + match.route

    def _replay(self, request: HttpRequest, page: StoredPage) -> HttpResponse:
        request.exhume_route = page.route  # type: ignore[attr-defined]  # for the request log
        if page.etag in request.headers.get("If-None-Match", ""):
            response: HttpResponse = HttpResponseNotModified()
            headers = [(n, v) for n, v in page.headers if n.lower() != "content-type"]
        else:
            response, headers = HttpResponse(page.content), list(page.headers)
        for name, value in headers:
            response[name] = value
        response["ETag"] = page.etag
        return response
