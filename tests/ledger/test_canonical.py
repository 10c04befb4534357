"""RFC 8785 canonical JSON: the cyberphone vectors, ES6 number samples, and our error messages."""

from __future__ import annotations

import csv
import json
import math
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exhume.errors import InvalidInputError
from exhume.ledger.canonical import canonical_json, canonical_json_reference, loads_strict

from .vectors import vector_files, vectors_dir

JCS_INPUTS = vector_files("jcs", "input/*.json")


def test_all_six_jcs_cases_are_present() -> None:
    vectors_dir("jcs")
    assert sorted(p.stem for p in JCS_INPUTS) == [
        "arrays",
        "french",
        "structures",
        "unicode",
        "values",
        "weird",
    ]


@pytest.mark.parametrize("path", JCS_INPUTS, ids=lambda p: p.stem)
def test_jcs_input_canonicalises_to_expected_output(path: Path) -> None:
    folder = path.parents[1]
    expected = (folder / "output" / path.name).read_bytes()
    expected_hex = bytes.fromhex((folder / "outhex" / f"{path.stem}.txt").read_text())
    got = canonical_json(json.loads(path.read_bytes()))
    assert got == expected == expected_hex


def es6_samples() -> list[tuple[str, str]]:
    path = vectors_dir("jcs") / "es6_number_samples.csv"
    with path.open(newline="") as handle:
        return [(r["ieee754_hex"], r["expected_serialization"]) for r in csv.DictReader(handle)]


def test_es6_number_samples_serialise_as_ecmascript_does() -> None:
    samples = es6_samples()
    assert len(samples) == 7
    for ieee_hex, expected in samples:
        (number,) = struct.unpack(">d", bytes.fromhex(ieee_hex.zfill(16)))
        assert canonical_json(number) == expected.encode(), ieee_hex


def test_it_sorts_keys_by_utf16_code_units_not_code_points() -> None:
    # U+1F600 is the surrogate pair D83D DE00, which sorts before U+FB01 in UTF-16.
    assert canonical_json({"\ufb01": 1, "\U0001f600": 2}) == (
        '{"\U0001f600":2,"\ufb01":1}'.encode()
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"age": math.nan}, r"\$\.age: nan is not a JSON number \(NaN or infinite\)"),
        ([1, math.inf], r"\$\[1\]: inf is not a JSON number"),
        ({1: "a"}, r"\$: object key 1 is a int; JSON keys must be strings"),
        ({"n": 2**53}, r"\$\.n: integer 9007199254740992 is outside the exact JSON range"),
        ({"b": b"x"}, r"\$\.b: a bytes cannot be written as JSON"),
        ({"s": "\ud800"}, r"\$\.s: string is not valid Unicode"),
        ({"rows": [{"x": {1, 2}}]}, r"\$\.rows\[0\]\.x: a set cannot be written as JSON"),
    ],
)
def test_it_names_the_path_of_a_value_json_cannot_hold(value: object, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        canonical_json(value)


def test_largest_safe_integer_is_accepted() -> None:
    assert canonical_json([2**53 - 1, -(2**53 - 1)]) == b"[9007199254740991,-9007199254740991]"


def test_loads_strict_rejects_duplicate_names_and_nan() -> None:
    with pytest.raises(InvalidInputError, match=r"records\.json is not valid JSON: duplicate"):
        loads_strict(b'{"a": 1, "a": 2}', what="records.json")
    with pytest.raises(InvalidInputError, match="NaN is not a JSON number"):
        loads_strict("[NaN]")
    assert loads_strict('{"a": [1, 2.5]}') == {"a": [1, 2.5]}


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(value=json_values)
def test_fast_path_equals_the_rfc8785_reference(value: object) -> None:
    try:
        expected = canonical_json_reference(value)
    except InvalidInputError:
        with pytest.raises(InvalidInputError):
            canonical_json(value)
        return
    assert canonical_json(value) == expected
