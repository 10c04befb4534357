"""Fixtures for the web tests: case records built through the actions, and logged-in clients."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.test import Client
from pytest_django import DjangoDbBlocker

from exhume.casework.models import Remains, Site
from tests.web.builders import Built, build_sites

FIGURE = re.compile(r'data-figure="([a-z_-]+)"[^>]*>\s*(\d+)\s*<')


def figures(html: str) -> dict[str, int]:
    """The figures a page marks with ``data-figure="name"``, as integers."""
    return {name: int(value) for name, value in FIGURE.findall(html)}


@pytest.fixture(scope="module")
def _module_sites(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Built]:
    """The records, built once per test module inside a transaction rolled back at its end;
    each test runs in a savepoint within it (the ``db`` fixture)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_sites()
        transaction.set_rollback(True)


@pytest.fixture
def built(_module_sites: Built, db: None) -> Built:
    """Fresh copies of the module's records, so that no test sees another's in-memory edits."""
    return Built(
        site=Site.objects.get(pk=_module_sites.site.pk),
        other=Site.objects.get(pk=_module_sites.other.pk),
        first=Remains.objects.get(pk=_module_sites.first.pk),
    )


def with_role(user: User, role: str) -> User:
    """``user`` made a member of the role group ``role`` (created by the roles migration)."""
    user.groups.add(Group.objects.get(name=role))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def staff_user(db: None) -> User:
    """A logged-in member of the field team: graves and remains, but no names."""
    return with_role(User.objects.create_user("olha", password="not-a-real-password"), "field")


@pytest.fixture
def staff_client(client: Client, staff_user: User) -> Client:
    client.force_login(staff_user)
    return client


@pytest.fixture
def journal_client(client: Client, staff_user: User) -> Client:
    """A member of the identification board, who may read the burial journal (names)."""
    staff_user.groups.clear()
    client.force_login(with_role(staff_user, "board"))
    return client
