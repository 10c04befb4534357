"""Where the ledger tests find the read-only test vectors (../shared/data/vectors)."""

from __future__ import annotations

from pathlib import Path

import pytest

VECTORS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "vectors"


def vectors_dir(name: str) -> Path:
    """The vectors sub-folder ``name``; the calling test is skipped when it is absent."""
    path = VECTORS / name
    if not path.is_dir():
        pytest.skip(f"test vectors not available at {path}")
    return path


def vector_files(name: str, pattern: str) -> list[Path]:
    """Files under a vectors sub-folder, for parametrisation (empty when absent)."""
    path = VECTORS / name
    return sorted(path.glob(pattern)) if path.is_dir() else []
