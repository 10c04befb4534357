"""The JSON API (django-ninja): one router per app, every page's JSON twin."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from exhume import __version__
from exhume.errors import AccessDeniedError, ConflictError, ExhumeError, NotFoundError

api = NinjaAPI(title="exhume", version=__version__, urls_namespace="api")


@api.exception_handler(ExhumeError)
def exhume_error(request: HttpRequest, exc: ExhumeError) -> HttpResponse:
    """One JSON error shape for every exhume error."""
    statuses = {NotFoundError: 404, AccessDeniedError: 403, ConflictError: 409}
    status = next((code for kind, code in statuses.items() if isinstance(exc, kind)), 400)
    return api.create_response(request, exc.as_dict(), status=status)


@api.exception_handler(NinjaValidationError)
def request_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """Malformed parameters get the same error shape, naming the first bad field."""
    first = exc.errors[0] if exc.errors else {}
    loc = [str(part) for part in first.get("loc", ()) if part not in {"query", "path", "body"}]
    body = {
        "error": "InvalidInputError",
        "message": str(first.get("msg", "invalid request")),
        "field": ".".join(loc) or None,
        "row": None,
    }
    return api.create_response(request, body, status=400)


def _register() -> None:
    from exhume.casework.api import router as casework_router
    from exhume.dna.api import router as dna_router
    from exhume.families.api import router as families_router
    from exhume.identification.api import router as identification_router
    from exhume.publication.api import router as publication_router

    api.add_router("/", publication_router)
    api.add_router("/staff/", casework_router)
    api.add_router("/staff/families/", families_router)
    api.add_router("/staff/", identification_router)
    api.add_router("/staff/dna/", dna_router)


_register()
