"""The production server: gunicorn's pre-fork master with threaded workers, run in-process.

Why gunicorn: exhume is a synchronous Django app (the ORM and the actions block), so a WSGI
server runs it without the thread hand-off an ASGI server (uvicorn, granian's ASGI mode) would
add to every database call; gunicorn is pure Python from PyPI (no compiler, no system package),
the server Django's deployment guide documents, and its master restarts a worker that dies.
The ``gthread`` worker keeps HTTP keep-alive connections open, so 50 readers do not pay a TCP
handshake per request. Processes: ``EXHUME_WORKERS`` (one per core, at least two); threads per
process: ``EXHUME_THREADS``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from exhume import config


def server_options(host: str, port: int, *, workers: int | None = None) -> dict[str, Any]:
    """Gunicorn settings for exhume (no access log: it would record client addresses;
    exhume logs each request itself without them)."""
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers or config.workers(),
        "worker_class": "gthread",
        "threads": config.threads(),
        "keepalive": 5,
        "timeout": 120,
        "graceful_timeout": 20,
        "preload_app": True,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "exhume",
        "forwarded_allow_ips": "127.0.0.1,::1",
    }


class ExhumeServer(BaseApplication):  # type: ignore[misc]
    """Gunicorn serving :data:`exhume.project.wsgi.application` with :func:`server_options`."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from exhume.project.wsgi import application

        return application


def static_files_stale() -> bool:
    """True when the collected static files are missing or older than a source file."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.is_file():
        return True
    collected = manifest.stat().st_mtime
    return any(
        Path(storage.path(name)).stat().st_mtime > collected
        for finder in get_finders()
        for name, storage in finder.list(STATIC_IGNORED)
    )


#: Never served: the API docs use Swagger UI, not ReDoc (saves hashing and compressing 9 MB).
STATIC_IGNORED = ["redoc*"]


def collect_static_files() -> None:
    """Collect the static files when they changed: pages and reports name them by their
    content hash, which the collected manifest holds (a command that renders a page, not only
    the server, needs it)."""
    from django.core.management import call_command

    if static_files_stale():
        call_command(
            "collectstatic", interactive=False, verbosity=0, ignore_patterns=STATIC_IGNORED
        )


def serve_forever(host: str, port: int, *, workers: int | None = None) -> None:
    """Collect the static files when they changed, then serve until stopped (SIGINT, SIGTERM)."""
    from django.db import connections

    collect_static_files()
    connections.close_all()  # the workers are forked: none may inherit an open connection
    ExhumeServer(server_options(host, port, workers=workers)).run()
