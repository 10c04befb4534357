"""Ed25519: RFC 8032 section 7.1 vectors and the C2SP/CCTV edge cases under our strict policy."""

from __future__ import annotations

import collections
import json
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from exhume.errors import InvalidInputError
from exhume.ledger import ed25519
from exhume.ledger.keys import Signer, Verifier

from .vectors import vectors_dir

#: A vector is rejected by our wrapper exactly when it carries one of these CCTV flags.
REJECTED_FLAGS = {"low_order_A", "non_canonical_A", "non_canonical_R", "low_order_residue"}


def rfc8032() -> list[dict[str, str]]:
    data = json.loads((vectors_dir("ed25519") / "rfc8032.json").read_text())
    vectors: list[dict[str, str]] = data["vectors"]
    return vectors


def cctv() -> list[dict[str, Any]]:
    vectors: list[dict[str, Any]] = json.loads(
        (vectors_dir("ed25519") / "cctv_ed25519vectors.json").read_text()
    )
    return vectors


def test_rfc8032_vectors_sign_and_verify_through_our_wrapper() -> None:
    vectors = rfc8032()
    assert len(vectors) == 5
    for v in vectors:
        seed, message = bytes.fromhex(v["secret_key_hex"]), bytes.fromhex(v["message_hex"])
        public, signature = bytes.fromhex(v["public_key_hex"]), bytes.fromhex(v["signature_hex"])
        assert ed25519.public_key_from_seed(seed) == public, v["name"]
        assert ed25519.sign(seed, message) == signature, v["name"]
        assert ed25519.verify(public, message, signature), v["name"]
        assert not ed25519.verify(public, message + b"x", signature), v["name"]


def test_rfc8032_vectors_through_note_signer_and_verifier() -> None:
    v = rfc8032()[2]  # TEST 3, two-byte message af82 is not UTF-8 text, so sign a note instead
    signer = Signer("rfc8032.example/test3", bytes.fromhex(v["secret_key_hex"]))
    assert signer.verifier.public_key == bytes.fromhex(v["public_key_hex"])
    signature = signer.sign("note\n")
    assert Verifier("rfc8032.example/test3", bytes.fromhex(v["public_key_hex"])).verify(
        "note\n", signature
    )


def test_every_cctv_vector_gets_the_strict_verdict() -> None:
    vectors = cctv()
    assert len(vectors) == 914
    verdicts: collections.Counter[bool] = collections.Counter()
    for v in vectors:
        flags = set(v["flags"] or [])
        expected = not flags & REJECTED_FLAGS
        got = ed25519.verify(
            bytes.fromhex(str(v["key"])), str(v["msg"]).encode(), bytes.fromhex(str(v["sig"]))
        )
        assert got is expected, (v["number"], sorted(flags))
        verdicts[got] += 1
    assert verdicts == {True: 86, False: 828}


def openssl_accepts(v: dict[str, Any]) -> bool:
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(str(v["key"])))
    try:
        key.verify(bytes.fromhex(str(v["sig"])), str(v["msg"]).encode())
    except InvalidSignature:
        return False
    return True


def test_openssl_alone_is_a_cofactorless_ref10_verifier() -> None:
    """Documents what pyca/cryptography (OpenSSL) does per flag category, and why we add checks."""
    accepted: collections.Counter[str] = collections.Counter()
    rejected: collections.Counter[str] = collections.Counter()
    for v in cctv():
        flags = v["flags"] or ["none"]
        for flag in flags:
            (accepted if openssl_accepts(v) else rejected)[flag] += 1
    assert accepted["non_canonical_R"] == accepted["low_order_residue"] == 0
    assert rejected["non_canonical_R"] == 316
    assert rejected["low_order_residue"] == 583
    # OpenSSL accepts low-order and non-canonical public keys: our wrapper must refuse them.
    assert accepted["low_order_A"] == 122
    assert accepted["non_canonical_A"] == 36
    assert sum(accepted.values()) > 0 and accepted["none"] == 1


@pytest.mark.parametrize(
    ("key_hex", "reason"),
    [
        ("01" + "00" * 31, "small order"),  # the identity point
        ("ec" + "ff" * 30 + "7f", "small order"),  # y = -1, order 2
        ("ed" + "ff" * 30 + "7f", r"not canonically encoded \(y >= p\)"),
        ("01" + "00" * 30 + "80", r"x = 0 with the sign bit set"),
        ("02" + "00" * 31, "not a point on the curve"),
        ("00" * 31, "has 32 bytes, this one has 31"),
    ],
)
def test_it_refuses_unacceptable_public_keys_with_the_reason(key_hex: str, reason: str) -> None:
    with pytest.raises(InvalidInputError, match=reason):
        ed25519.check_public_key(bytes.fromhex(key_hex))
    with pytest.raises(InvalidInputError, match=reason):
        Verifier("log.example", bytes.fromhex(key_hex))
