"""Fixtures of the access tests: the web tests' records, and accounts of a given role."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from tests.web.conftest import _module_sites, built

__all__ = ["_module_sites", "built"]


@pytest.fixture
def member(db: None) -> Callable[[str, str], User]:
    """Make a staff account ``name`` in the role group ``role``."""

    def make(role: str, name: str) -> User:
        user = User.objects.create_user(name, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


def client_for(user: User) -> Client:
    """A test client logged in as ``user``."""
    client = Client()
    client.force_login(user)
    return client
