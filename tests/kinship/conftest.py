"""Fixtures for the kinship engine tests: small pedigrees and the dvir example datasets."""

from __future__ import annotations

from pathlib import Path

import pytest

from exhume.kinship.pedigree import Pedigree
from tests.shared_data import SHARED_DATA, require

DVI_EXAMPLES = SHARED_DATA / "dvi-examples"


@pytest.fixture(scope="session")
def dvi_examples() -> Path:
    """The dvi-json example directory; tests that need it skip when it is absent (fail in CI)."""
    return require(DVI_EXAMPLES, "dvi-json examples")


@pytest.fixture
def trio() -> Pedigree:
    """Father 'fa', mother 'mo', son 'ch'."""
    return Pedigree.from_records(
        [("fa", None, None, 1), ("mo", None, None, 2), ("ch", "fa", "mo", 1)]
    )


@pytest.fixture
def first_cousin_child() -> Pedigree:
    """A child 'x' of first cousins (inbreeding coefficient 1/16): a pedigree with a loop."""
    return Pedigree.from_records(
        [
            ("gf", None, None, 1),
            ("gm", None, None, 2),
            ("s1", "gf", "gm", 1),
            ("s2", "gf", "gm", 2),
            ("w1", None, None, 2),
            ("h2", None, None, 1),
            ("c1", "s1", "w1", 1),
            ("c2", "h2", "s2", 2),
            ("x", "c1", "c2", 0),
        ]
    )
