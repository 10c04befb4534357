"""Login hardening: failed logins throttled (django-axes), sessions expire, strong passwords."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]


@pytest.fixture
def axes_on(settings: Any) -> None:
    """The lockout, which the test settings turn off for the test client's login()."""
    settings.AXES_ENABLED = True


GOOD = "a-long-test-password-7"


def login(client: Client, password: str) -> int:
    response = client.post("/accounts/login/", {"username": "olha", "password": password})
    return response.status_code


def test_repeated_failed_logins_lock_the_account_from_that_address() -> None:
    User.objects.create_user("olha", password=GOOD)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "wrong") == 400  # the form again, with its error
    assert login(client, "wrong") == 429
    response = client.post("/accounts/login/", {"username": "olha", "password": GOOD})
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_good_login_before_the_limit_resets_the_count() -> None:
    User.objects.create_user("olha", password=GOOD)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "wrong")
    assert login(client, GOOD) == 302
    client.post("/accounts/logout/")
    assert login(client, "wrong") == 400


def test_sessions_end_when_idle_and_when_the_browser_closes() -> None:
    assert settings.SESSION_COOKIE_AGE == 120 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


@pytest.mark.parametrize("password", ["short-pw", "123456789012345", "password1234", "olha-olha-1"])
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(DjangoValidationError):
        validate_password(password, User(username="olha-olha-1"))
