"""The JSON API (django-ninja): one router per app, every page's JSON twin."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from exhume import __version__
from exhume.errors import ExhumeError, NotFoundError, PermissionDenied

api = NinjaAPI(title="exhume", version=__version__, urls_namespace="api")


@api.exception_handler(ExhumeError)
def exhume_error(request: HttpRequest, exc: ExhumeError) -> HttpResponse:
    """One JSON error shape for every exhume error."""
    status = (
        404 if isinstance(exc, NotFoundError) else 403 if isinstance(exc, PermissionDenied) else 400
    )
    return api.create_response(request, exc.as_dict(), status=status)


def _register() -> None:
    from exhume.casework.api import router as casework_router
    from exhume.publication.api import router as publication_router

    api.add_router("/", publication_router)
    api.add_router("/staff/", casework_router)


_register()
