"""Settings for the test suite: the database comes from ``EXHUME_TEST_DATABASE_URL``."""

from __future__ import annotations

from exhume import config
from exhume.project.settings import *  # noqa: F403

DATABASES = {"default": config.test_database().as_django()}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
