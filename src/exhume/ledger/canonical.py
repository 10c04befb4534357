"""Canonical JSON (RFC 8785, JSON Canonicalization Scheme) for everything exhume hashes or signs.

Rule: the bytes that are hashed are the RFC 8785 serialisation of the value: object members sorted
by the UTF-16 code units of their names, no insignificant whitespace, strings escaped minimally
(only ``"``, ``\\`` and control characters), numbers written as ECMAScript ``Number.toString``
would (``1e+30``, ``4.5``, ``0.002``; ``-0`` as ``0``), UTF-8 output, no trailing newline.

The serialisation itself is done by the ``rfc8785`` package. Before handing the value over, this
module walks it once and rejects what JSON cannot hold, naming the path of the offending value
(``$.records[3].age``): NaN and infinities, integers outside the IEEE-754 safe range
(|n| > 2^53 - 1), non-string object keys, strings that are not valid Unicode (lone surrogates),
and any other Python type (bytes, dates, sets...). Tuples are accepted as JSON arrays.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias, cast

import rfc8785

from exhume.errors import InvalidInputError

#: A value that JSON can hold (what ``json.loads`` returns).
JSONValue: TypeAlias = (
    bool | int | float | str | Sequence["JSONValue"] | Mapping[str, "JSONValue"] | None
)

#: Largest integer an IEEE-754 double holds exactly (RFC 8785 section 3.2.2.3, I-JSON).
MAX_SAFE_INTEGER = 2**53 - 1


def canonical_json(obj: object) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of ``obj``.

    Raises :class:`~exhume.errors.InvalidInputError` naming the path of the first value that JSON
    cannot represent exactly.

    Fast path: for values without floats whose object keys are all below U+D800, the standard
    library's sorted, compact ``json.dumps`` writes exactly the RFC 8785 bytes (code-point order
    equals UTF-16 order below the surrogates; both escape only ``"``, ``\\`` and control
    characters, with the same short forms and lowercase ``\\u00xx``). Everything else goes
    through ``rfc8785``. A test compares the two paths on random values.
    """
    if _is_simple(obj):
        return canonical_json_simple(obj)
    return canonical_json_reference(obj)


def canonical_json_simple(obj: object) -> bytes:
    """The fast path alone, for callers that have already checked the value's shape.

    The caller guarantees: only dict/list/str/int/bool/None, no float, integers within
    ±(2^53 - 1), object keys below U+D800 (validated log entries are such values). A lone
    surrogate still falls back to :func:`canonical_json_reference`, which names it.
    """
    try:
        return json.dumps(
            obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
        ).encode("utf-8")
    except UnicodeEncodeError:
        return canonical_json_reference(obj)


def canonical_json_reference(obj: object) -> bytes:
    """RFC 8785 bytes through the ``rfc8785`` package only (the slow, reference path)."""
    _check(obj, "$")
    try:
        return rfc8785.dumps(cast(Any, obj))
    except rfc8785.CanonicalizationError as exc:  # pragma: no cover - _check rejects these first
        raise InvalidInputError(f"value cannot be canonicalised as JSON: {exc}") from exc


def loads_strict(data: bytes | str, *, what: str = "JSON document") -> Any:
    """Parse JSON, rejecting duplicate object names and the non-JSON constants NaN/Infinity.

    ``what`` names the document in the error message (for example ``"records.json"``).
    """
    try:
        return json.loads(data, object_pairs_hook=_unique_pairs, parse_constant=_no_constant)
    except ValueError as exc:
        raise InvalidInputError(f"{what} is not valid JSON: {exc}") from exc


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate object name {key!r}")
        result[key] = value
    return result


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _is_simple(value: object) -> bool:
    """True when ``value`` has no float, no int beyond 2^53 - 1, no key at or above U+D800."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER  # type: ignore[operator]
    if kind is dict:
        return all(
            type(k) is str and (k == "" or max(k) < "\ud800") and _is_simple(v)
            for k, v in value.items()  # type: ignore[attr-defined]
        )
    if kind is list or kind is tuple:
        return all(_is_simple(v) for v in value)  # type: ignore[attr-defined]
    return False


def _check(value: object, path: str) -> None:
    """Walk ``value`` and raise InvalidInputError at the first thing JSON cannot hold."""
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise InvalidInputError(
                f"{path}: integer {value} is outside the exact JSON range ±(2^53 - 1); "
                "store it as a string"
            )
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInputError(f"{path}: {value} is not a JSON number (NaN or infinite)")
        return
    if isinstance(value, str):
        _check_text(value, path)
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidInputError(
                    f"{path}: object key {key!r} is a {type(key).__name__}; JSON keys must be "
                    "strings"
                )
            _check_text(key, f"{path} (key {key!r})")
            _check(item, f"{path}.{key}")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]")
        return
    raise InvalidInputError(
        f"{path}: a {type(value).__name__} cannot be written as JSON; convert it first "
        "(dates to RFC 3339 strings, bytes to hex)"
    )


def _check_text(text: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInputError(f"{path}: string is not valid Unicode ({exc.reason})") from exc
