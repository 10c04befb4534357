"""The JSON API (django-ninja): one router per app, every page's JSON twin."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema

from exhume import __version__
from exhume.errors import AccessDeniedError, ConflictError, ExhumeError, NotFoundError

#: The one JSON error shape (:meth:`exhume.errors.ExhumeError.as_dict`), in the schema.
ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error", "message", "field", "row"],
    "properties": {
        "error": {"type": "string", "description": "InvalidInputError, NotFoundError ..."},
        "message": {"type": "string", "description": "what was wrong and how to fix it"},
        "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "row": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
    },
}
ERRORS = {
    "400": "invalid input (the field is named)",
    "404": "no such site or record",
}
AUTH_ERRORS = {"401": "not logged in", "403": "logged in, but not allowed to see this data"}


class ExhumeAPI(NinjaAPI):
    """The API whose schema documents the error answers of every operation."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                codes = {**ERRORS, **(AUTH_ERRORS if operation.get("security") else {})}
                for code, description in codes.items():
                    operation["responses"].setdefault(
                        code, {"description": description, "content": error}
                    )
        return schema


api = ExhumeAPI(title="exhume", version=__version__, urls_namespace="api")


@api.exception_handler(ExhumeError)
def exhume_error(request: HttpRequest, exc: ExhumeError) -> HttpResponse:
    """One JSON error shape for every exhume error."""
    statuses = {NotFoundError: 404, AccessDeniedError: 403, ConflictError: 409}
    status = next((code for kind, code in statuses.items() if isinstance(exc, kind)), 400)
    return api.create_response(request, exc.as_dict(), status=status)


@api.exception_handler(AuthenticationError)
def login_required(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    """Staff data without a session: 401 in the same error shape."""
    body = AccessDeniedError(_("log in first: this data is for staff")).as_dict()
    return api.create_response(request, body, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """django-ninja's own refusals (a POST without its CSRF token ...) in the same error shape."""
    kind = {401: "AccessDeniedError", 403: "AccessDeniedError", 404: "NotFoundError"}
    body = {
        "error": kind.get(exc.status_code, "InvalidInputError"),
        "message": str(exc.message),
        "field": None,
        "row": None,
    }
    return api.create_response(request, body, status=exc.status_code)


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
    from exhume.access.api import router as access_router
    from exhume.casework.api import router as casework_router
    from exhume.dna.api import router as dna_router
    from exhume.families.api import router as families_router
    from exhume.identification.api import router as identification_router
    from exhume.maps.api import public as maps_public
    from exhume.maps.api import staff as maps_staff
    from exhume.portal.api import public as portal_public
    from exhume.portal.api import staff as portal_staff
    from exhume.publication.api import router as publication_router

    api.add_router("/", publication_router)
    api.add_router("/staff/", casework_router)
    api.add_router("/staff/families/", families_router)
    api.add_router("/staff/", identification_router)
    api.add_router("/staff/dna/", dna_router)
    api.add_router("/", maps_public)
    api.add_router("/staff/", maps_staff)
    api.add_router("/staff/", access_router)
    api.add_router("/", portal_public)
    api.add_router("/staff/", portal_staff)


_register()
