"""Record commitments, the entry format and single-record disclosures."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

import pytest

from exhume.errors import InvalidInputError, VerificationError
from exhume.ledger.canonical import canonical_json, canonical_json_reference
from exhume.ledger.checkpoint import Checkpoint
from exhume.ledger.commitments import (
    COMMITMENT_TAG,
    Disclosure,
    commit,
    disclose,
    entry_leaf,
    make_entry,
    new_salt,
    note_commitment,
    open_note,
    parse_entry_leaf,
    verify_disclosure,
)
from exhume.ledger.log import Log

from .factories import SALT, T0, create, person


def test_commitment_is_sha256_of_tag_salt_and_canonical_record() -> None:
    record = {"name": "Ivan", "sex": "male"}
    expected = hashlib.sha256(
        b"exhume/record-commitment/v1\x00" + SALT + b'{"name":"Ivan","sex":"male"}'
    ).hexdigest()
    assert COMMITMENT_TAG == b"exhume/record-commitment/v1\x00"
    assert commit(record, SALT) == expected


def test_salt_changes_the_commitment_and_is_random() -> None:
    a, b = new_salt(), new_salt()
    assert len(a) == 32 and a != b
    assert commit({"x": 1}, a) != commit({"x": 1}, b)


def test_it_refuses_a_short_salt() -> None:
    with pytest.raises(InvalidInputError, match="salt has 32 bytes, got 3"):
        commit({}, b"abc")


def entry(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "seq": 0,
        "record_type": "remains",
        "record_id": "R-1",
        "version": 1,
        "commitment": "ab" * 32,
        "action": "create",
        "actor_role": "anthropologist",
        "time": T0,
        "category": person(),
    }
    fields.update(changes)
    return make_entry(**fields)


def test_entry_leaf_is_the_canonical_json_of_the_entry() -> None:
    e = entry()
    assert entry_leaf(e) == canonical_json(e)
    assert entry_leaf(e).startswith(b'{"action":"create","actor_role":"anthropologist",')
    assert e["time"] == "2024-05-01T09:00:00.000000Z"
    assert parse_entry_leaf(entry_leaf(e)) == e


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"action": "update"}, "a 'update' entry must name the entry it supersedes"),
        ({"version": 2}, "a 'create' entry has version 1 and supersedes nothing"),
        (
            {"action": "correct", "seq": 5, "supersedes": 3, "version": 2},
            "a 'correct' entry needs a reason code and a note",
        ),
        (
            {"action": "correct", "seq": 5, "supersedes": 3, "version": 2, "reason": "typo"},
            "'reason' must be null or one of data_entry_error, new_examination",
        ),
        ({"action": "update", "seq": 2, "supersedes": 2}, "'supersedes' must name an earlier"),
        ({"commitment": "AB" * 32}, "'commitment' must be 64 lowercase hex digits"),
        ({"action": "delete"}, "'action' must be one of create, update"),
        ({"record_id": ""}, "'record_id' must be a non-empty string"),
        ({"category": {"kind": "person", "name": "Ivan"}}, r"remove \['name'\]"),
        (
            {"category": {"kind": "animal"}},
            "category 'kind' must be one of person, body_part, part_of_person",
        ),
        ({"category": person(torture="yes")}, "category 'torture' must be true or false"),
        ({"category": person(exhumed_on="1.5.2024")}, "'exhumed_on' must be YYYY-MM-DD"),
    ],
)
def test_it_rejects_entries_breaking_a_rule_naming_entry_and_field(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message) as info:
        entry(**changes)
    assert str(info.value).startswith("entry ")


def test_it_refuses_naive_times() -> None:
    with pytest.raises(InvalidInputError, match="timezone-aware"):
        entry(time=datetime(2024, 1, 1))


def test_parse_entry_leaf_refuses_non_canonical_bytes() -> None:
    leaf = entry_leaf(entry()).replace(b'"seq":0', b'"seq": 0')
    with pytest.raises(InvalidInputError, match="not in RFC 8785 canonical form"):
        parse_entry_leaf(leaf)


def disclosure_setup() -> tuple[Log, dict[str, Any], Checkpoint]:
    log = Log()
    for i in range(6):
        create(log, f"R-{i}")
    return log, log.entry(3), Checkpoint("exhume.example/log", log.size, log.root())


def test_a_disclosure_proves_one_record_against_the_checkpoint() -> None:
    log, e, head = disclosure_setup()
    record = {"id": "R-3", "name": "secret name of R-3", "category": None}
    verify_disclosure(Disclosure(record, SALT, e, 3, log.inclusion_proof(3)), head)


def test_a_disclosure_with_a_changed_record_fails() -> None:
    log, e, head = disclosure_setup()
    record = {"id": "R-3", "name": "another name", "category": None}
    with pytest.raises(VerificationError, match=r"entry 3 \(remains R-3 v1\): the record and salt"):
        verify_disclosure(Disclosure(record, SALT, e, 3, log.inclusion_proof(3)), head)


def test_a_disclosure_with_a_wrong_proof_names_the_entry() -> None:
    log, e, head = disclosure_setup()
    record = {"id": "R-3", "name": "secret name of R-3", "category": None}
    with pytest.raises(VerificationError, match=r"entry 3 \(remains R-3 v1\): inclusion proof for"):
        verify_disclosure(Disclosure(record, SALT, e, 3, log.inclusion_proof(2)), head)


def test_entry_leaf_fast_path_equals_the_rfc8785_reference() -> None:
    e = entry(
        record_id="Р-12/ü\u2028",
        actor_role="антрополог 😀",
        category=person("жіноча", status="ідентифіковано", exhumed_on="2024-05-01"),
    )
    assert entry_leaf(e) == canonical_json_reference(e)


def test_it_refuses_integers_json_cannot_hold_exactly() -> None:
    with pytest.raises(InvalidInputError, match="'seq' must be an integer from 0 to 2\\^53 - 1"):
        entry(seq=2**53)


def test_a_disclosure_round_trips_through_json() -> None:
    log, e, head = disclosure_setup()
    record = {"id": "R-3", "name": "secret name of R-3", "category": None}
    original = disclose(record, SALT, e, log.inclusion_proof(3))
    text = json.dumps(original.as_dict())
    assert "secret name of R-0" not in text  # nothing about other records
    again = Disclosure.from_dict(json.loads(text))
    assert again == original
    verify_disclosure(again, head)


def test_a_malformed_disclosure_is_named() -> None:
    with pytest.raises(InvalidInputError, match="disclosure is malformed: KeyError"):
        Disclosure.from_dict({"record": {}})


def correction(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"action": "correct", "seq": 5, "supersedes": 3, "version": 2}
    fields.update(changes)
    return entry(**fields)


def test_a_format_2_correction_holds_a_reason_code_and_a_note_never_the_text() -> None:
    note = note_commitment("Petro Ivanenko's sister called", "prosecutor Koval", SALT)
    e = correction(reason="new_examination", note=note)
    leaf = entry_leaf(e)
    assert e["format"] == 2 and "authority" not in e
    assert b"Ivanenko" not in leaf and b"Koval" not in leaf
    assert parse_entry_leaf(leaf) == e


def test_the_note_is_sha256_of_tag_salt_and_the_canonical_texts() -> None:
    expected = hashlib.sha256(
        b"exhume/entry-note/v1\x00" + SALT + b'{"authority":"court","reason":"typo"}'
    ).hexdigest()
    assert note_commitment("typo", "court", SALT) == expected


def test_a_disclosed_note_opens_only_with_the_same_texts_and_salt() -> None:
    e = correction(reason="data_entry_error", note=note_commitment("typo", "court", SALT))
    open_note(e, "typo", "court", SALT)
    for reason, authority, salt in (("typo!", "court", SALT), ("typo", "court", bytes(32))):
        with pytest.raises(VerificationError, match="do not open its note"):
            open_note(e, reason, authority, salt)


def test_a_format_2_entry_refuses_an_authority_in_clear() -> None:
    with pytest.raises(InvalidInputError, match="keeps the authority in its note"):
        correction(reason="other", note="ab" * 32, authority="prosecutor Koval")


def test_format_1_entries_written_before_format_2_stay_valid() -> None:
    e = correction(reason="pelvis re-examined", authority="chief pathologist", entry_format=1)
    assert "format" not in e and e["authority"] == "chief pathologist"
    assert parse_entry_leaf(entry_leaf(e)) == e
    with pytest.raises(InvalidInputError, match="needs a reason and an authority"):
        correction(reason="pelvis re-examined", entry_format=1)
