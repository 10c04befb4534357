"""Typed configuration read from the environment, failing loudly with the variable's name.

| variable | meaning | default |
|---|---|---|
| ``EXHUME_DATA_DIR`` | folder for the SQLite database, keys and release bundles | ``./data`` |
| ``EXHUME_DATABASE_URL`` | ``sqlite:///PATH`` or ``postgresql://USER@HOST:PORT/DB`` | SQLite |
| ``EXHUME_TEST_DATABASE_URL`` | database the test suite runs on | SQLite in memory |
| ``EXHUME_SECRET_KEY`` | Django secret key | generated once into ``EXHUME_DATA_DIR/secret_key`` |
| ``EXHUME_DEBUG`` | ``1``/``0``: Django's debug pages (never in production) | ``0`` |
| ``EXHUME_ALLOWED_HOSTS`` | comma-separated host names | ``127.0.0.1,localhost`` |
| ``EXHUME_BEHIND_TLS`` | ``1`` behind a TLS proxy setting ``X-Forwarded-Proto``: HSTS | ``0`` |
| ``EXHUME_WORKERS`` | server worker processes | one per core (at least 2) |
| ``EXHUME_THREADS`` | threads per worker process | ``8`` |
| ``EXHUME_LOG_ORIGIN`` | log origin: checkpoints' first line, log key name | ``exhume.local/log`` |
| ``EXHUME_MAP_TILES`` | tile URL template ``https://HOST/{z}/{x}/{y}.png`` | none (offline) |
| ``EXHUME_MAP_ATTRIBUTION`` | attribution text the tile server requires | empty |
| ``EXHUME_PHOTO_MAX_MB`` | largest photo accepted, in megabytes (MiB) | ``50`` |
"""

from __future__ import annotations

import os
import secrets
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


def env_int(name: str, default: int, *, minimum: int = 1) -> int:
    """Read a whole number of at least ``minimum``; anything else is an error naming ``name``."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ConfigurationError(f"{name}={raw!r} must be at least {minimum}")
    return value


def debug() -> bool:
    """``EXHUME_DEBUG``: Django's debug pages, off unless asked for."""
    return env_bool("EXHUME_DEBUG", False)


def behind_tls() -> bool:
    """``EXHUME_BEHIND_TLS``: a TLS-terminating proxy sets ``X-Forwarded-Proto`` (HSTS on)."""
    return env_bool("EXHUME_BEHIND_TLS", False)


def allowed_hosts() -> list[str]:
    """``EXHUME_ALLOWED_HOSTS``: the host names this server answers for."""
    raw = os.environ.get("EXHUME_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    hosts = [host.strip() for host in raw.split(",") if host.strip()]
    if not hosts:
        raise ConfigurationError(f"EXHUME_ALLOWED_HOSTS={raw!r} names no host")
    return hosts


def workers() -> int:
    """``EXHUME_WORKERS``: server processes, by default one per core and at least two."""
    return env_int("EXHUME_WORKERS", max(2, os.cpu_count() or 1))


def threads() -> int:
    """``EXHUME_THREADS``: threads per server process (they wait on the database, not the CPU)."""
    return env_int("EXHUME_THREADS", 8)


SECRET_KEY_FILE = "secret_key"


def secret_key() -> str:
    """``EXHUME_SECRET_KEY``, else the key in ``EXHUME_DATA_DIR/secret_key``.

    The file is generated once (50 random URL-safe characters, mode 0600, created exclusively so
    that two processes starting together agree on one key) and read on every later start.
    """
    given = os.environ.get("EXHUME_SECRET_KEY")
    if given is not None:
        if len(given.strip()) < 32:
            raise ConfigurationError("EXHUME_SECRET_KEY is shorter than 32 characters")
        return given
    path = data_dir() / SECRET_KEY_FILE
    if not path.exists():
        _write_new_secret_key(path)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise ConfigurationError(
            f"{path} (the generated EXHUME_SECRET_KEY) is too short; "
            "delete it to generate a new one (logged-in users will have to log in again)"
        )
    return key


def _write_new_secret_key(path: Path) -> None:
    """Write a fresh key to a private temporary file and link it into place; when another
    process got there first, its key wins and ours is dropped."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(38) + "\n")
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


def map_tiles() -> str:
    """The map tile URL template (``EXHUME_MAP_TILES``), or "" for maps without tiles.

    It must be an http(s) URL holding ``{z}``, ``{x}`` and ``{y}``; maps then load tiles from
    that host, which is the only request they make beyond this server.
    """
    raw = os.environ.get("EXHUME_MAP_TILES", "").strip()
    if raw and (
        urlparse(raw).scheme not in ("http", "https")
        or not all(k in raw for k in ["{z}", "{x}", "{y}"])
    ):
        raise ConfigurationError(
            f"EXHUME_MAP_TILES={raw!r} must be an http(s) URL with {{z}}, {{x}} and {{y}}"
        )
    return raw


def cli_user() -> str:
    """``EXHUME_USER``: the account the command line acts as (empty: this machine's user, acting
    as the system)."""
    return os.environ.get("EXHUME_USER", "").strip()


def map_attribution() -> str:
    """The attribution the tile server asks for (``EXHUME_MAP_ATTRIBUTION``), shown on maps."""
    return os.environ.get("EXHUME_MAP_ATTRIBUTION", "").strip()


def photo_max_bytes() -> int:
    """``EXHUME_PHOTO_MAX_MB``: the largest photo an upload may be, in bytes (default 50 MiB: a
    camera's full-resolution JPEG or a scanned document page; a 200 MB file is refused)."""
    return env_int("EXHUME_PHOTO_MAX_MB", 50) * 1024 * 1024


def data_dir() -> Path:
    """The data folder (``EXHUME_DATA_DIR``, default ``./data``), created on demand."""
    path = Path(os.environ.get("EXHUME_DATA_DIR") or "data").expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


#: The log origin when ``EXHUME_LOG_ORIGIN`` is not set.
DEFAULT_LOG_ORIGIN = "exhume.local/log"


def log_origin() -> str:
    """``EXHUME_LOG_ORIGIN`` or :data:`DEFAULT_LOG_ORIGIN` (its form is checked where the key is
    made: :func:`exhume.audit.keys.log_origin`)."""
    return os.environ.get("EXHUME_LOG_ORIGIN", "").strip() or DEFAULT_LOG_ORIGIN


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
            # keep each thread's connection between requests (a PostgreSQL connection costs a
            # backend process and an authentication; a public page costs one query), checked
            # before reuse
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
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
