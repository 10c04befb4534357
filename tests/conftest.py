"""Fixtures shared by the whole suite."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.shared_data import SHARED_DATA, require


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public data beside the checkout; tests that need it skip when it is absent (and fail
    in CI: :mod:`tests.shared_data`)."""
    return require(SHARED_DATA, "shared data")


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A request in Ukrainian (or a command run with EXHUME_LANGUAGE=uk) activates Ukrainian for
    the thread; put English back so that no later test reads messages in another language."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def actor() -> Any:
    from exhume.audit.events import Actor

    return Actor("field-team-1", "field")


@pytest.fixture
def make_site(actor: Any) -> Callable[..., Any]:
    """Create a site through the action, with sensible defaults."""
    from exhume.casework.actions import do_create_site

    def make(slug: str = "test-site", **fields: Any) -> Any:
        defaults = {"name": f"Site {slug}", "place": "Test place, Ukraine"}
        return do_create_site(actor, slug=slug, **{**defaults, **fields})

    return make


@pytest.fixture
def make_remains(actor: Any) -> Callable[..., Any]:
    """Record remains through the action; each call gets the next case number."""
    from exhume.casework.actions import do_record_remains

    counter = iter(range(1, 10_000))

    def make(site: Any, **fields: Any) -> Any:
        defaults: dict[str, Any] = {
            "case_number": f"C-{next(counter):04d}",
            "exhumed_on": dt.date(2022, 9, 16),
            "sex": "female",
            "age_class": "adult",
            "status": "civilian",
            "cause_of_death": "shelling",
            "violent_death": "yes",
        }
        return do_record_remains(actor, site=site, **{**defaults, **fields})

    return make


@pytest.fixture(scope="module")
def izium_demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    """The synthetic demo, built once for a module and removed after it."""
    from django.core.management import call_command

    from exhume.demo import build_demo

    with django_db_blocker.unblock():
        report = build_demo(2022)
        try:
            yield report
        finally:
            call_command("flush", interactive=False, verbosity=0)
