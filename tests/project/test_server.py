"""``exhume serve`` is the production server: gunicorn workers, WhiteNoise static files, the
security headers, and one JSON request line without personal data."""

from __future__ import annotations

import json
import os
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from benchmarks.serving import running_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``exhume serve --workers 2`` on a fresh SQLite data folder; yields (URL, server log)."""
    folder = tmp_path_factory.mktemp("served")
    env = {**os.environ, "EXHUME_DATA_DIR": str(folder)}
    for name in ("EXHUME_DATABASE_URL", "EXHUME_DEBUG", "EXHUME_SECRET_KEY", "EXHUME_WORKERS"):
        env.pop(name, None)
    log = folder / "serve.log"
    with running_server(env, workers=2, log=log) as base:
        yield base, log


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_it_answers_from_gunicorn_with_the_security_headers(server: tuple[str, Path]) -> None:
    status, headers, body = get(server[0] + "/")
    assert status == 200
    assert headers["Server"] == "gunicorn"
    assert headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert b"exhume" in body


def test_it_runs_the_asked_number_of_worker_processes(server: tuple[str, Path]) -> None:
    port = int(server[0].rsplit(":", 1)[1])
    master = next(
        p
        for p in psutil.process_iter(["cmdline"])
        if "serve" in (p.info["cmdline"] or []) and str(port) in (p.info["cmdline"] or [])
    )
    assert len(master.children()) == 2


def test_static_files_are_collected_compressed_and_cached_for_a_year(
    server: tuple[str, Path],
) -> None:
    _, _, page = get(server[0] + "/")
    css = re.search(rb'href="(/static/exhume/site\.[0-9a-f]{12}\.css)"', page)
    assert css is not None, "the stylesheet has no content-hashed name"
    status, headers, _ = get(server[0] + css.group(1).decode(), **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]


def test_the_request_log_has_routes_and_never_the_query_or_the_address(
    server: tuple[str, Path],
) -> None:
    name = urllib.parse.quote("Мирослава")
    get(server[0] + f"/sites/nowhere/?name={name}")
    lines = [json.loads(x) for x in server[1].read_text().splitlines() if x.startswith("{")]
    requests: list[dict[str, Any]] = [x for x in lines if x["logger"] == "exhume.requests"]
    assert {"method": "GET", "route": "/sites/<slug:slug>/", "status": 404}.items() <= (
        requests[-1].items()
    )
    text = server[1].read_text()
    assert name not in text and "nowhere" not in text and "127.0.0.1" not in text


def test_healthz_is_ok_on_the_served_database(server: tuple[str, Path]) -> None:
    status, _, body = get(server[0] + "/healthz")
    assert status == 200
    checks = json.loads(body)["checks"]
    assert checks["database"] == {"ok": True, "vendor": "sqlite"}
    assert checks["migrations"] == {"ok": True}
