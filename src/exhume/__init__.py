"""exhume: from a mass grave to names, with counts that anyone can verify.

``exhume.__version__`` is read from the installed package's metadata on first use (PEP 562),
so that importing exhume (and starting the command line) does not load ``importlib.metadata``.
"""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    if name != "__version__":
        raise AttributeError(f"module 'exhume' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("exhume")
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        found = "0.0.0+unknown"
    globals()["__version__"] = found
    return found
