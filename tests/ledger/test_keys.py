"""Key names, key IDs, vkeys and private-key files."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from exhume.errors import InvalidInputError
from exhume.ledger.keys import (
    COSIGNATURE_V1,
    ED25519,
    Signer,
    generate_signer,
    key_id,
    load_private_key,
    parse_private_key,
    parse_vkey,
    save_private_key,
)

# golang.org/x/mod/sumdb/note documentation example key pair (public test values).
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
# transparency-dev/formats test keys: a 0x01 key whose base64 contains '+', a 0x04 witness key.
PLUS_VKEY = "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6"
REMORA_VKEY = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"


def test_go_example_private_key_gives_the_go_verifier_key() -> None:
    signer = parse_private_key(PETER_SKEY)
    assert signer.verifier.vkey == PETER_VKEY
    assert signer.private_key_text == PETER_SKEY
    assert parse_vkey(PETER_VKEY) == signer.verifier


@pytest.mark.parametrize(
    ("vkey", "sig_type"), [(PLUS_VKEY, ED25519), (REMORA_VKEY, COSIGNATURE_V1)]
)
def test_vkeys_round_trip_including_plus_signs_and_witness_type(vkey: str, sig_type: int) -> None:
    verifier = parse_vkey(vkey)
    assert verifier.sig_type == sig_type
    assert verifier.vkey == vkey


def test_key_id_is_sha256_of_name_newline_type_and_key() -> None:
    verifier = parse_vkey(PETER_VKEY)
    assert key_id("PeterNeumann", ED25519, verifier.public_key).hex() == "c74f20a3"
    assert key_id("PeterNeumann", COSIGNATURE_V1, verifier.public_key).hex() != "c74f20a3"


@pytest.mark.parametrize(
    ("vkey", "message"),
    [
        ("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match"),
        ("PeterNeumann+c74f20a3", "must look like"),
        ("PeterNeumann+c74f20a3+ARpc2QcU!", "not valid hex/base64"),
        ("PeterNeumann+c74f20a3+ARpc", "1 type byte \\+ 32 key bytes"),
        ("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match"),
    ],
)
def test_it_rejects_a_malformed_vkey_saying_why(vkey: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_vkey(vkey)


@pytest.mark.parametrize("name", ["", "a b", "a+b", "tab\there", "nbsp\u00a0"])
def test_it_rejects_bad_key_names(name: str) -> None:
    with pytest.raises(InvalidInputError):
        generate_signer(name)


def test_saved_key_file_is_private_and_loads_back(tmp_path: Path) -> None:
    signer = generate_signer("exhume.example/log")
    path = tmp_path / "log.key"
    save_private_key(signer, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = load_private_key(path)
    assert loaded.verifier == signer.verifier
    assert loaded.seed == signer.seed


def test_it_never_overwrites_a_key_file(tmp_path: Path) -> None:
    path = tmp_path / "log.key"
    save_private_key(generate_signer("a"), path)
    with pytest.raises(InvalidInputError, match="refusing to overwrite the existing key file"):
        save_private_key(generate_signer("b"), path)


def test_it_refuses_a_key_file_others_can_read(tmp_path: Path) -> None:
    path = tmp_path / "log.key"
    save_private_key(generate_signer("a"), path)
    path.chmod(0o644)
    with pytest.raises(InvalidInputError, match="has permissions 0644; run `chmod 600"):
        load_private_key(path)


def test_signer_repr_hides_the_seed() -> None:
    signer = Signer("a", bytes(range(32)))
    assert "seed" not in repr(signer)
    assert bytes(range(32)).hex() not in repr(signer)


def test_cosigner_needs_a_timestamp_and_note_key_refuses_one() -> None:
    with pytest.raises(InvalidInputError, match="needs a timestamp"):
        generate_signer("w", COSIGNATURE_V1).sign("x\n")
    with pytest.raises(InvalidInputError, match="signs notes, not timestamped cosignatures"):
        generate_signer("l").sign("x\n", timestamp=1)
