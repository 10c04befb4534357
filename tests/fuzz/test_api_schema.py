"""Schemathesis over the whole OpenAPI schema, as each role (a visitor, staff, staff allowed to
read the burial journal): no server error, every status code documented, and every response,
errors included, valid against the schema. Bounded in examples so it runs in the suite."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import Group, User
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from exhume.project.wsgi import application
from tests.web.builders import Built

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)

#: The session is forced for each role, so the checks that send a request without it
#: (ignored_auth, negative_data_rejection of the cookie) do not apply; these do.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(params=["visitor", "staff", "journal"])
def cookies(request: pytest.FixtureRequest, built: Built) -> dict[str, str]:
    """The session cookie of a user in the role (none for a visitor)."""
    if request.param == "visitor":
        return {}
    user = User.objects.create_user(f"fuzz-{request.param}")
    # staff: the field team (graves and remains); journal: the board, who may read journal names
    user.groups.add(Group.objects.get(name="field" if request.param == "staff" else "board"))
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
def test_the_api_never_fails_and_keeps_to_its_schema(case: Any, cookies: dict[str, str]) -> None:
    case.call_and_validate(cookies=cookies, checks=CHECKS)


def test_the_schema_documents_the_error_answers_of_every_operation() -> None:
    paths = schema.raw_schema["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            expected = {"200", "400", "404"} | (
                {"401", "403"} if operation.get("security") else set()
            )
            assert expected <= codes, f"{method.upper()} {path}"


def test_an_anonymous_staff_request_gets_the_error_shape(client: Client, built: Built) -> None:
    response = client.get("/api/staff/sites")
    assert response.status_code == 401
    assert response.json() == {
        "error": "AccessDeniedError",
        "message": "log in first: this data is not public",
        "field": None,
        "row": None,
    }
