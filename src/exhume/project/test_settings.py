"""Settings for the test suite: the database comes from ``EXHUME_TEST_DATABASE_URL``."""

from __future__ import annotations

import os

os.environ.setdefault("EXHUME_SECRET_KEY", "test-suite-key-" + "x" * 32)

from exhume import config
from exhume.project.settings import *  # noqa: F403

DATABASES = {"default": config.test_database().as_django()}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client never goes through WhiteNoise (the real-server tests do): plain static names,
# no collected manifest needed.
MIDDLEWARE = [name for name in MIDDLEWARE if not name.startswith("whitenoise.")]  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Request lines only where a test asks for them (caplog).
LOGGING["loggers"]["exhume.requests"]["level"] = "WARNING"  # type: ignore[index]  # noqa: F405
# django-axes needs the request when authenticating, which the test client's login() does not
# pass; tests of the lockout itself turn it on (tests/access/test_login.py).
AXES_ENABLED = False
