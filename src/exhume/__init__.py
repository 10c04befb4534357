"""exhume: from a mass grave to names, with counts that anyone can verify."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("exhume")
except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
