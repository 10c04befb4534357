"""Default parameters of the DVI solver, in one light module (no NumPy).

The command line reads them to show its options without loading the engine; the engine's
modules (:mod:`~exhume.kinship.dvi`, :mod:`~exhume.kinship.solve`,
:mod:`~exhume.kinship.report`) re-export them under the same names.
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_MAX_ASSIGNMENTS",
    "DEFAULT_MAX_EVALUATIONS",
    "DEFAULT_MAX_INCOMP",
    "DEFAULT_THRESHOLD",
    "DEFAULT_TOP",
]

#: dvir's default ``maxAssign``: above this many assignments the joint table goes stepwise.
DEFAULT_MAX_ASSIGNMENTS = 100_000
#: New family likelihood evaluations allowed for an exhaustive joint table (a cost guard).
#: A family with many placements shares messages between them (``kinship/_placements.py``):
#: grave's 52,564 take ~4 s, so its full table is exhaustive by default (20,000 before).
DEFAULT_MAX_EVALUATIONS = 60_000
#: dvir's default LR threshold for an undisputed identification.
DEFAULT_THRESHOLD = 1e4
#: dvir's default number of incompatible markers tolerated before a pairing is excluded.
DEFAULT_MAX_INCOMP = 2
#: Rows of the joint table written by default.
DEFAULT_TOP = 10
