"""Fixtures for the web tests: case records built through the actions, and logged-in clients."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from tests.web.builders import Built, build_sites

FIGURE = re.compile(r'data-figure="([a-z_-]+)"[^>]*>\s*(\d+)\s*<')


def figures(html: str) -> dict[str, int]:
    """The figures a page marks with ``data-figure="name"``, as integers."""
    return {name: int(value) for name, value in FIGURE.findall(html)}


@pytest.fixture
def built(db: None) -> Built:
    return build_sites()


@pytest.fixture
def staff_user(db: None) -> User:
    """A logged-in member of staff with no special permission."""
    return User.objects.create_user("olha", password="not-a-real-password")


@pytest.fixture
def staff_client(client: Client, staff_user: User) -> Client:
    client.force_login(staff_user)
    return client


@pytest.fixture
def journal_client(client: Client, staff_user: User) -> Client:
    """Staff who may read the burial journal (names of the unidentified)."""
    staff_user.user_permissions.add(Permission.objects.get(codename="view_burialjournalentry"))
    client.force_login(User.objects.get(pk=staff_user.pk))
    return client
