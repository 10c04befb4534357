"""Typed configuration read from the environment, failing loudly with the variable's name.

| variable | meaning | default |
|---|---|---|
| ``EXHUME_DATA_DIR`` | folder for the SQLite database, keys and release bundles | ``./data`` |
| ``EXHUME_DATABASE_URL`` | ``sqlite:///PATH`` or ``postgresql://USER@HOST:PORT/DB`` | SQLite |
| ``EXHUME_TEST_DATABASE_URL`` | database the test suite runs on | SQLite in memory |
| ``EXHUME_SECRET_KEY`` | Django secret key | a fixed development key (with ``EXHUME_DEBUG``) |
| ``EXHUME_DEBUG`` | ``1``/``0`` | ``1`` |
| ``EXHUME_ALLOWED_HOSTS`` | comma-separated host names | ``127.0.0.1,localhost`` |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from exhume.errors import ConfigurationError

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean variable; anything but 1/0/true/false/yes/no/on/off is an error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name}={raw!r} is not a boolean: use 1 or 0")


def data_dir() -> Path:
    """The data folder (``EXHUME_DATA_DIR``, default ``./data``), created on demand."""
    path = Path(os.environ.get("EXHUME_DATA_DIR") or "data").expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class DatabaseConfig:
    """A parsed database URL in the shape Django's ``DATABASES`` entry wants."""

    engine: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    def as_django(self) -> dict[str, object]:
        """The ``DATABASES['default']`` dictionary for this database."""
        entry: dict[str, object] = {
            "ENGINE": self.engine,
            "NAME": self.name,
            "USER": self.user,
            "PASSWORD": self.password,
            "HOST": self.host,
            "PORT": self.port,
            "ATOMIC_REQUESTS": False,
        }
        if self.engine.endswith("sqlite3"):
            entry["OPTIONS"] = {"timeout": 20}
        return entry


def parse_database_url(url: str, *, variable: str) -> DatabaseConfig:
    """Parse ``sqlite:///abs/path``, ``sqlite://:memory:`` or ``postgresql://u:p@h:port/db``."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        name = parsed.path[1:] if parsed.path.startswith("//") else parsed.path
        if parsed.netloc == ":memory:" or name in {"", ":memory:"}:
            name = ":memory:"
        return DatabaseConfig("django.db.backends.sqlite3", name)
    if parsed.scheme in {"postgres", "postgresql"}:
        db = parsed.path.lstrip("/")
        if not db:
            raise ConfigurationError(f"{variable}={url!r} names no database after the host")
        return DatabaseConfig(
            "django.db.backends.postgresql",
            unquote(db),
            unquote(parsed.username or ""),
            unquote(parsed.password or ""),
            parsed.hostname or "",
            str(parsed.port or ""),
        )
    raise ConfigurationError(
        f"{variable}={url!r}: unsupported scheme {parsed.scheme!r}; use sqlite:/// or postgresql://"
    )


def database() -> DatabaseConfig:
    """The application database: ``EXHUME_DATABASE_URL`` or SQLite in the data folder."""
    url = os.environ.get("EXHUME_DATABASE_URL")
    if url:
        return parse_database_url(url, variable="EXHUME_DATABASE_URL")
    return DatabaseConfig("django.db.backends.sqlite3", str(data_dir() / "exhume.sqlite3"))


def test_database() -> DatabaseConfig:
    """The database the test suite uses: ``EXHUME_TEST_DATABASE_URL`` or SQLite in memory."""
    url = os.environ.get("EXHUME_TEST_DATABASE_URL")
    if url:
        return parse_database_url(url, variable="EXHUME_TEST_DATABASE_URL")
    return DatabaseConfig("django.db.backends.sqlite3", ":memory:")
