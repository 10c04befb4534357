"""The in-memory append-only log: history rules, proofs, checkpoints and full verification."""

from __future__ import annotations

import pytest

from exhume.errors import InvalidInputError, VerificationError
from exhume.ledger.checkpoint import parse_checkpoint_body, verify_checkpoint
from exhume.ledger.commitments import entry_leaf
from exhume.ledger.keys import generate_signer
from exhume.ledger.log import Log, audit_entries, verify_log
from exhume.ledger.merkle import leaf_hash, root_from_leaf_hashes, verify_consistency
from exhume.ledger.note import parse_note

from .factories import change, create, person


def small_log(n: int = 5) -> Log:
    log = Log()
    for i in range(n):
        create(log, f"R-{i}")
    return log


def test_append_returns_seq_and_root_covers_the_leaves() -> None:
    log = Log()
    assert create(log, "R-0")["seq"] == 0
    create(log, "R-1")
    assert log.size == 2
    assert log.root() == root_from_leaf_hashes(leaf_hash(leaf) for leaf in log.leaves())


def test_it_refuses_an_entry_whose_seq_is_not_the_next_leaf() -> None:
    log = small_log(2)
    entry = dict(log.entry(1), record_id="R-9")
    with pytest.raises(InvalidInputError, match=r"entry 1 \(remains R-9 v1\) is at leaf 2"):
        log.append(entry)


def test_it_refuses_a_second_create_and_a_fork() -> None:
    log = small_log(2)
    with pytest.raises(InvalidInputError, match="creates a record that exists since entry 0"):
        log.append(dict(log.entry(0), seq=2))
    first = log.entry(0)
    change(log, first, person("female"))
    with pytest.raises(InvalidInputError, match="must supersede the record's latest entry 2"):
        change(log, first, person("male"))


def test_corrections_chain_and_audit_passes() -> None:
    log = small_log(3)
    corrected = change(log, log.entry(1), person("female"))
    change(log, corrected, None, action="retract")
    assert audit_entries(log.leaves()) == []


def test_audit_names_every_entry_at_fault() -> None:
    log = small_log(4)
    leaves = log.leaves()
    reordered = [leaves[0], leaves[2], leaves[1], leaves[3]]
    assert audit_entries(reordered) == [
        "entry 2 (remains R-2 v1) is at leaf 1; seq must equal the leaf index",
        "entry 1 (remains R-1 v1) is at leaf 2; seq must equal the leaf index",
    ]


def test_proofs_verify_against_the_log_roots() -> None:
    log = small_log(7)
    proof = log.consistency_proof(3)
    verify_consistency(3, 7, log.root(3), log.root(), proof)
    assert log.inclusion_proof(4, 7) == log.inclusion_proof(4)


def test_checkpoint_is_a_signed_note_of_the_tree_head() -> None:
    log, key = small_log(3), generate_signer("exhume.example/site-1")
    note = log.checkpoint("exhume.example/site-1", key)
    head = parse_checkpoint_body(parse_note(note).text)
    assert (head.size, head.root) == (3, log.root())
    assert verify_checkpoint(note, [key.verifier]).checkpoint == head


def test_from_leaves_rebuilds_the_same_log() -> None:
    log = small_log(6)
    assert Log.from_leaves(log.leaves()).root() == log.root()


def test_verify_log_accepts_the_whole_log() -> None:
    log, key = small_log(9), generate_signer("exhume.example/log")
    verified = verify_log(log.leaves(), log.checkpoint("exhume.example/log", key), [key.verifier])
    assert verified.checkpoint.size == 9


def test_verify_log_detects_truncation_reordering_and_editing() -> None:
    log, key = small_log(6), generate_signer("exhume.example/log")
    note = log.checkpoint("exhume.example/log", key)
    leaves = log.leaves()
    with pytest.raises(VerificationError, match="checkpoint covers 6 entries but the log has 5"):
        verify_log(leaves[:5], note, [key.verifier])
    with pytest.raises(VerificationError, match="entries were changed, reordered or removed"):
        verify_log([leaves[1], leaves[0], *leaves[2:]], note, [key.verifier])
    edited = entry_leaf(dict(log.entry(4), category=person("female")))
    with pytest.raises(VerificationError, match="the root of the 6 log entries is"):
        verify_log([*leaves[:4], edited, leaves[5]], note, [key.verifier])


def test_prev_field_must_be_the_root_before_the_entry() -> None:
    log = small_log(2)
    good = dict(log.entry(1), seq=2, record_id="R-new", prev=log.root().hex())
    log.append(good)
    bad = dict(good, seq=3, record_id="R-other", prev=log.root(2).hex())
    with pytest.raises(InvalidInputError, match="'prev' is not the log root before it"):
        log.append(bad)
