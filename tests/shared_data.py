"""Where the suite finds the public data beside the checkout (``../shared/data``): the dvir
examples, the RFC and C2SP test vectors.

On a user's fresh clone the data is absent and the tests that need it skip, saying why. In CI
(``CI=true``, as GitHub Actions and ``.ci/run`` set it) a missing folder fails those tests: a
green CI run has made every cross-check against published examples.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def in_ci() -> bool:
    """True when the ``CI`` environment variable says so (``true``, ``1`` or ``yes``)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def require(path: Path, what: str) -> Path:
    """``path`` when it exists; else skip the calling test (fail it in CI) naming ``what``."""
    if path.exists():
        return path
    message = f"{what} not found at {path} (a fresh clone has none)"
    if in_ci():
        pytest.fail(f"{message}: CI must run with ../shared/data", pytrace=False)
    pytest.skip(message)
