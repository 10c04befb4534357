"""Fixtures for the ledger-in-Django tests: a private data folder, a small site, releases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """EXHUME_DATA_DIR in a fresh folder: keys and release bundles never touch ./data."""
    folder = tmp_path / "data"
    monkeypatch.setenv("EXHUME_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def small_site(make_site: Callable[..., Any], make_remains: Callable[..., Any]) -> Any:
    """A site with four persons (2 women, 1 man, 1 serviceman) and one body part tied to one."""
    site = make_site("lisova")
    first = make_remains(site)
    make_remains(site)
    make_remains(site, sex="male")
    make_remains(site, sex="male", status="serviceman")
    make_remains(site, kind="body_part", body=first, sex="undetermined", status="undetermined")
    return site


@pytest.fixture
def publish() -> Callable[[Any], Any]:
    """Publish a release of a site through the action, as the system actor."""
    from exhume.audit.events import Actor
    from exhume.publication.releases import do_publish_release

    def run(site: Any) -> Any:
        return do_publish_release(Actor("publisher", "admin"), site)

    return run
