"""A real Chromium driven by Playwright against pytest-django's live server.

Debian's Chromium at /usr/bin/chromium is used, never a downloaded browser; without it the
browser tests skip with the reason. Playwright starts only after the test's records are written
and stops before the database is flushed, so no database call runs beside its event loop.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
SCREENSHOTS = REPO / "docs" / "screenshots"


@pytest.fixture
def chromium() -> Iterator[Any]:
    """A headless Chromium browser (skips when /usr/bin/chromium is not installed)."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package to run this")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(chromium: Any) -> Any:
    """Open a page whose requests are recorded, so a test can assert it stayed offline."""

    def make(width: int = 1280, height: int = 900) -> Any:
        page = chromium.new_page(viewport={"width": width, "height": height})
        page.requested = []
        page.on("request", lambda request: page.requested.append(request.url))
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    return make


def log_in(page: Any, base_url: str, username: str, password: str, next_path: str) -> None:
    """Log in through the login page and wait until ``next_path`` is shown."""
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}{next_path}")
