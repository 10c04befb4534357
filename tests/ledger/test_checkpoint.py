"""C2SP checkpoints and tlog-cosignature/v1 witness cosignatures."""

from __future__ import annotations

import base64

import pytest

from exhume.errors import InvalidInputError, VerificationError
from exhume.ledger.checkpoint import (
    Checkpoint,
    cosign_checkpoint,
    parse_checkpoint_body,
    sign_checkpoint,
    verify_checkpoint,
)
from exhume.ledger.keys import COSIGNATURE_V1, generate_signer, parse_vkey
from exhume.ledger.merkle import EMPTY_ROOT
from exhume.ledger.note import parse_note

# A real checkpoint of the CT staging log arche2025h1, with cosignatures from four public
# witnesses (cosignature/v1), as published in a test file of a public checkpoint library.
ARCHE = """arche2025h1.staging.ct.transparency.dev
1432088532
U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=

— arche2025h1.staging.ct.transparency.dev zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGREPMHbdQ3urbllzalApkptQIgIpwtEroeW2BXaHAI4kJXFbon5Ch9MNL5zRNZ55lvGt0=
— arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=
— transparency.dev/DEV:witness-little-garden 2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzwZ2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ==
— witness1.smartit.nu/witness1 pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iEcxZ75W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ==
— remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==
— witness.stagemole.eu Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+AJmIY/2TUFucgKi7lI7cUiOvKFYe/TmN9DAg==
"""  # noqa: E501
ARCHE_LOG = (
    "arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f"
)
ARCHE_WITNESSES = [
    "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2",
    "witness.stagemole.eu+67f7aea0+BEqSG3yu9YrmcM3BHvQYTxwFj3uSWakQepafafpUqklv",
    "transparency.dev/DEV:witness-little-garden+d8042a87+BCtusOxINQNUTN5Oj8HObRkh2yHf/MwYaGX4CPdiVEPM",
    "witness1.smartit.nu/witness1+a48c820f+BPSFWg9G6KPiO7QPryYO5Xq4oYJJ+kAvLKLSimDhoxMO",
]


def test_a_real_witnessed_checkpoint_verifies_with_all_four_cosignatures() -> None:
    witnesses = [parse_vkey(v) for v in ARCHE_WITNESSES]
    result = verify_checkpoint(ARCHE, [parse_vkey(ARCHE_LOG)], witnesses, quorum=4)
    assert result.checkpoint.size == 1432088532
    assert result.log_key == "arche2025h1.staging.ct.transparency.dev"
    assert sorted(c.name for c in result.cosignatures) == sorted(w.name for w in witnesses)
    assert {c.timestamp for c in result.cosignatures} == {1779573024}


def test_a_real_checkpoint_with_a_changed_size_fails_naming_the_log_key() -> None:
    clobbered = ARCHE.replace("1432088532", "42", 1)
    with pytest.raises(VerificationError, match=r"signature by arche2025h1.* \(key ID ba2f06c0\)"):
        verify_checkpoint(clobbered, [parse_vkey(ARCHE_LOG)])


def test_body_has_origin_size_base64_root_and_extensions() -> None:
    checkpoint = Checkpoint("exhume.example/site-7", 3, EMPTY_ROOT, ("release 2",))
    root = base64.b64encode(EMPTY_ROOT).decode()
    assert checkpoint.body() == f"exhume.example/site-7\n3\n{root}\nrelease 2\n"
    assert parse_checkpoint_body(checkpoint.body()) == checkpoint


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("o\n01\nAAAA\n", r"line 2 \(tree size\) is not a decimal: '01'"),
        ("o\n-1\nAAAA\n", r"line 2 \(tree size\) is not a decimal"),
        ("o\n1\n", "has 2 lines; it needs at least 3"),
        ("o\n1\nAA!A\n", r"line 3 \(root hash\) is not base64"),
        ("o\n1\nAAAA\n", "root hash must have 32 bytes"),
        ("\n1\n" + base64.b64encode(EMPTY_ROOT).decode() + "\n", "origin must be one non-empty"),
        ("o\n1\n" + base64.b64encode(EMPTY_ROOT).decode() + "\n\n", "extension lines must be"),
        ("o\n1\n" + base64.b64encode(EMPTY_ROOT).decode(), "must end with a newline"),
    ],
)
def test_it_rejects_malformed_checkpoint_bodies(body: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_checkpoint_body(body)


def test_our_cosignatures_verify_and_count_towards_quorum() -> None:
    log = generate_signer("exhume.example/log")
    w1 = generate_signer("witness.example/w1", COSIGNATURE_V1)
    w2 = generate_signer("witness.example/w2", COSIGNATURE_V1)
    note = sign_checkpoint(Checkpoint("exhume.example/log", 5, EMPTY_ROOT), log)
    note = cosign_checkpoint(note, w1, 1_700_000_000)
    result = verify_checkpoint(note, [log.verifier], [w1.verifier, w2.verifier], quorum=1)
    assert [(c.name, c.timestamp) for c in result.cosignatures] == [
        ("witness.example/w1", 1_700_000_000)
    ]
    with pytest.raises(
        VerificationError, match=r"1 witness cosignatures, 2 needed; missing: witness\.example/w2"
    ):
        verify_checkpoint(note, [log.verifier], [w1.verifier, w2.verifier], quorum=2)


def test_a_cosignature_with_a_changed_timestamp_fails_naming_the_witness() -> None:
    log = generate_signer("exhume.example/log")
    w1 = generate_signer("witness.example/w1", COSIGNATURE_V1)
    note = cosign_checkpoint(
        sign_checkpoint(Checkpoint("exhume.example/log", 5, EMPTY_ROOT), log), w1, 100
    )
    parsed = parse_note(note)
    line = parsed.signatures[1]
    forged = base64.b64encode(line.key_id + (101).to_bytes(8, "big") + line.signature[8:])
    bad = note.replace(base64.b64encode(line.key_id + line.signature).decode(), forged.decode())
    with pytest.raises(VerificationError, match=r"signature by witness.example/w1 \(key ID"):
        verify_checkpoint(bad, [log.verifier], [w1.verifier])


def test_a_checkpoint_signed_only_by_a_witness_is_not_trusted() -> None:
    log = generate_signer("exhume.example/log")
    w1 = generate_signer("witness.example/w1", COSIGNATURE_V1)
    note = cosign_checkpoint(
        sign_checkpoint(Checkpoint("exhume.example/log", 5, EMPTY_ROOT), log), w1, 100
    )
    other_log = generate_signer("exhume.example/log")
    with pytest.raises(VerificationError, match="not signed by a trusted log key"):
        verify_checkpoint(note, [other_log.verifier], [w1.verifier])


def test_it_checks_the_origin_when_asked() -> None:
    log = generate_signer("exhume.example/log")
    note = sign_checkpoint(Checkpoint("exhume.example/other", 0, EMPTY_ROOT), log)
    with pytest.raises(VerificationError, match=r"origin is 'exhume\.example/other', expected"):
        verify_checkpoint(note, [log.verifier], origin="exhume.example/log")
