"""The fuzz tests use the web tests' small site (built once per module)."""

from collections.abc import Iterator

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from tests.web.conftest import _module_sites, built

__all__ = ["_module_sites", "built", "keep_the_test_connection"]


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """Schemathesis calls the real WSGI handler, whose request signals close old database
    connections; inside a test's transaction that closes the test's own connection (PostgreSQL).
    Django's test client disconnects the same handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
