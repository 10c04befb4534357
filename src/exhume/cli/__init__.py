"""The ``exhume`` command line: a thin skin over the library.

Each command parses its options, calls one library function or action, and prints. Errors from
:mod:`exhume.errors` become a one-line message on stderr and the error's exit code. The groups
live in :mod:`exhume.cli.base`; each command module attaches its commands to them when
imported, and this package imports every command module, so ``exhume.cli.main`` is the whole
command line.
"""

from __future__ import annotations

from exhume.cli import (
    corrections,
    dna,
    exports,
    familias,
    identify,
    imports,
    kinship,
    kinship_lr,
    ledger,
    operations,
    records,
    reports,
    screening,
)
from exhume.cli.base import bench, main, setup_django

__all__ = [
    "bench",
    "corrections",
    "dna",
    "exports",
    "familias",
    "identify",
    "imports",
    "kinship",
    "kinship_lr",
    "ledger",
    "main",
    "operations",
    "records",
    "reports",
    "screening",
    "setup_django",
]
