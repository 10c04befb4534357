"""Software provenance of kinship results (kept inside the engine's layer).

The engine imports nothing from the rest of exhume but :mod:`exhume.errors`, so it reads the
installed package's version itself, as :mod:`exhume` does.
"""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

import numpy as np

__all__ = ["exhume_version", "software"]


def exhume_version() -> str:
    """The installed exhume version (``0.0.0+unknown`` from a bare source tree)."""
    try:
        return version("exhume")
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        return "0.0.0+unknown"


def software() -> dict[str, str]:
    """Python and NumPy versions."""
    return {"python": platform.python_version(), "numpy": np.__version__}
