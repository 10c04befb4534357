"""JSON read back from the database exactly as it was written, on SQLite and PostgreSQL.

PostgreSQL's ``jsonb`` stores a number as ``numeric`` and writes a large float back without its
exponent: ``3.0528614531457964e+34`` returns as ``30528614531457964000000000000000000``, which
Python's JSON reader turns into an ``int``. A likelihood ratio read back that way is no longer the
float that was logged, and the canonical JSON of the log refuses integers beyond ±(2^53 − 1).
:class:`FloatPreservingDecoder` reads such integers as floats: no integer that large can have been
written by exhume (the log could not hold it), so it can only be a float that lost its exponent.
"""

from __future__ import annotations

import json
from typing import Any

from exhume.ledger.canonical import MAX_SAFE_INTEGER


def _parse_int(text: str) -> int | float:
    value = int(text)
    return float(text) if abs(value) > MAX_SAFE_INTEGER else value


class FloatPreservingDecoder(json.JSONDecoder):
    """A JSON decoder that reads integers beyond ±(2^53 − 1) as the floats they were."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("parse_int", _parse_int)
        super().__init__(*args, **kwargs)
