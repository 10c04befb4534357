"""C2SP signed notes: the Go reference example, parsing rules, and verification failures."""

from __future__ import annotations

import pytest

from exhume.errors import InvalidInputError, VerificationError
from exhume.ledger.keys import COSIGNATURE_V1, generate_signer, parse_private_key, parse_vkey
from exhume.ledger.note import add_signatures, parse_note, sign_note, verify_note

from .test_keys import PETER_SKEY, PETER_VKEY

GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
# The signed note published in golang.org/x/mod/sumdb/note's documentation.
GO_NOTE = (
    GO_TEXT + "\n— PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_signing_reproduces_the_go_example_byte_for_byte() -> None:
    assert sign_note(GO_TEXT, [parse_private_key(PETER_SKEY)]) == GO_NOTE


def test_go_example_verifies_and_reports_the_signer() -> None:
    verified = verify_note(GO_NOTE, [parse_vkey(PETER_VKEY)])
    assert verified.text == GO_TEXT
    assert [s.name for s in verified.verified] == ["PeterNeumann"]
    assert verified.unknown == ()


def test_a_tampered_text_fails_naming_the_key() -> None:
    tampered = GO_NOTE.replace("cryptography", "cryptographY")
    with pytest.raises(
        VerificationError, match=r"signature by PeterNeumann \(key ID c74f20a3\) does not verify"
    ):
        verify_note(tampered, [parse_vkey(PETER_VKEY)])


def test_a_note_signed_by_key_a_fails_with_key_b() -> None:
    a, b = generate_signer("exhume.example/a"), generate_signer("exhume.example/b")
    note = sign_note("count 12\n", [a])
    with pytest.raises(VerificationError) as info:
        verify_note(note, [b.verifier])
    assert str(info.value) == (
        f"note has no signature from a known key: signed by exhume.example/a (key ID "
        f"{a.key_id.hex()}); known keys: exhume.example/b (key ID {b.key_id.hex()})"
    )


def test_same_name_other_key_is_unknown_not_failed() -> None:
    real, impostor = generate_signer("log.example"), generate_signer("log.example")
    note = sign_note("x\n", [impostor, real])
    verified = verify_note(note, [real.verifier])
    assert [s.key_id for s in verified.verified] == [real.key_id]
    assert [s.key_id for s in verified.unknown] == [impostor.key_id]


def test_add_signatures_keeps_old_ones_and_replaces_same_key() -> None:
    a, b = generate_signer("a"), generate_signer("b")
    note = add_signatures(sign_note("x\n", [a]), [b])
    note = add_signatures(note, [b])
    assert [s.name for s in parse_note(note).signatures] == ["a", "b"]
    assert len(verify_note(note, [a.verifier, b.verifier]).verified) == 2


def test_text_may_contain_blank_lines_split_at_the_last_one() -> None:
    a = generate_signer("a")
    note = sign_note("para 1\n\npara 2\n", [a])
    assert verify_note(note, [a.verifier]).text == "para 1\n\npara 2\n"


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("text\n— a AAAAAAAA\n", "no blank line"),
        ("text\n\n— a AAAAAAAA", "must end with a signature line"),
        ("text\n\n- a AAAAAAAA\n", "signature line 1 must be"),
        ("text\n\n— a AAAA\n", "signature is too short"),
        ("text\n\n— a AAAA!AAA\n", "bad base64"),
        ("te\txt\n\n— a AAAAAAAA\n", "note line 1 contains control character U\\+0009"),
        ("text\n\n— a+b AAAAAAAA\n", "key name 'a\\+b'"),
    ],
)
def test_it_rejects_malformed_notes(note: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_note(note)


def test_it_rejects_invalid_utf8() -> None:
    with pytest.raises(InvalidInputError, match="not valid UTF-8"):
        parse_note(b"\xff\n\n")


def test_it_refuses_to_sign_text_without_final_newline() -> None:
    with pytest.raises(InvalidInputError, match="must end with a newline"):
        sign_note("x", [generate_signer("a")])


def test_a_log_key_and_a_witness_can_sign_in_one_call() -> None:
    log = generate_signer("log.example")
    witness = generate_signer("witness.example", COSIGNATURE_V1)
    note = sign_note(
        "log.example\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
        [log, witness],
        timestamp=7,
    )
    verified = verify_note(note, [log.verifier, witness.verifier])
    assert [s.name for s in verified.verified] == ["log.example", "witness.example"]
    assert verified.verified[1].signature[:8] == (7).to_bytes(8, "big")
