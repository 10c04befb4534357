"""Where the ledger tests find the read-only test vectors (../shared/data/vectors)."""

from __future__ import annotations

from pathlib import Path

from tests.shared_data import SHARED_DATA, require

VECTORS = SHARED_DATA / "vectors"


def vectors_dir(name: str) -> Path:
    """The vectors sub-folder ``name``; the calling test is skipped when it is absent (fails in
    CI)."""
    return require(VECTORS / name, "test vectors")


def vector_files(name: str, pattern: str) -> list[Path]:
    """Files under a vectors sub-folder, for parametrisation (empty when absent)."""
    path = VECTORS / name
    return sorted(path.glob(pattern)) if path.is_dir() else []
