"""Subtree proofs (MTC draft): the transparency-dev subtree vectors and generated proofs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exhume.errors import VerificationError
from exhume.ledger.merkle import MerkleTree, is_included
from exhume.ledger.subtree import (
    is_subtree_consistent,
    is_valid_subtree,
    subtree_consistency_proof,
    verify_subtree_consistency,
    verify_subtree_inclusion,
)

from .test_merkle import b64, flip_bit, leaves_for
from .vectors import vector_files, vectors_dir

SUBTREE_INCLUSION = vector_files("merkle", "testdata/subtreeinclusion/**/*.json")
SUBTREE_CONSISTENCY = vector_files("merkle", "testdata/subtreeconsistency/**/*.json")


def test_subtree_vectors_are_all_present() -> None:
    if not SUBTREE_INCLUSION:
        vectors_dir("merkle")  # skips, or fails in CI, when the vectors are absent
    assert (len(SUBTREE_INCLUSION), len(SUBTREE_CONSISTENCY)) == (204, 118)


def subtree_included(v: dict[str, object]) -> bool:
    try:
        verify_subtree_inclusion(
            b64(str(v["leafHash"])),
            int(str(v["leafIdx"])),
            int(str(v["start"])),
            int(str(v["end"])),
            [b64(h) for h in v["proof"] or []],  # type: ignore[attr-defined]
            b64(str(v["root"])),
        )
    except VerificationError:
        return False
    return True


@pytest.mark.parametrize("path", SUBTREE_INCLUSION, ids=lambda p: "/".join(p.parts[-2:]))
def test_subtree_inclusion_vector(path: Path) -> None:
    v = json.loads(path.read_text())
    assert subtree_included(v) is not v["wantErr"], v["desc"]


@pytest.mark.parametrize("path", SUBTREE_CONSISTENCY, ids=lambda p: "/".join(p.parts[-2:]))
def test_subtree_consistency_vector(path: Path) -> None:
    v = json.loads(path.read_text())
    proof = [b64(h) for h in v["proof"] or []]
    args = (v["start"], v["end"], v["size"], b64(v["root1"]), b64(v["root2"]), proof)
    assert is_subtree_consistent(*args) is not v["wantErr"], v["desc"]


@pytest.mark.parametrize(
    ("start", "end", "valid"),
    [(0, 5, True), (8, 12, True), (8, 16, True), (5, 8, False), (2, 5, False), (3, 3, False)],
)
def test_subtree_validity(start: int, end: int, valid: bool) -> None:
    assert is_valid_subtree(start, end) is valid


@st.composite
def subtrees(draw: st.DrawFn) -> tuple[int, int, int, int]:
    n = draw(st.integers(min_value=1, max_value=64))
    size = draw(st.integers(min_value=1, max_value=n))
    width = draw(st.integers(min_value=1, max_value=size))
    align = 1 << (width - 1).bit_length()
    slots = [s for s in range(0, size - width + 1, align)]
    start = draw(st.sampled_from(slots))
    return n, size, start, start + width


@settings(max_examples=80, deadline=None)
@given(case=subtrees(), data=st.data())
def test_generated_subtree_proofs_verify_and_any_bit_flip_fails(
    case: tuple[int, int, int, int], data: st.DataObject
) -> None:
    n, size, start, end = case
    leaves = leaves_for(n)
    tree = MerkleTree(leaves)
    sub_root, root = MerkleTree(leaves[start:end]).root(), tree.root(size)
    proof = subtree_consistency_proof(tree, start, end, size)
    verify_subtree_consistency(start, end, size, sub_root, root, proof)
    index = data.draw(st.integers(min_value=start, max_value=end - 1))
    inner = MerkleTree(leaves[start:end]).inclusion_proof(index - start)
    verify_subtree_inclusion(leaves[index], index, start, end, inner, sub_root)
    if proof:
        which = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        bit = data.draw(st.integers(min_value=0, max_value=255))
        bad = [*proof[:which], flip_bit(proof[which], bit), *proof[which + 1 :]]
        assert not is_subtree_consistent(start, end, size, sub_root, root, bad)
    assert not is_subtree_consistent(start, end, size, flip_bit(sub_root, 0), root, proof)
    assert not is_subtree_consistent(start, end, size, sub_root, root, [*proof, root])
    assert is_included(leaves[index], index - start, end - start, inner, sub_root)


def test_it_names_the_subtree_when_the_proof_is_short() -> None:
    tree = MerkleTree(leaves_for(8))
    proof = subtree_consistency_proof(tree, 4, 6, 8)
    with pytest.raises(VerificationError, match=r"\[4, 6\) in a tree of size 8: .* too few hashes"):
        verify_subtree_consistency(4, 6, 8, tree.subtree_root(4, 6), tree.root(), proof[:-1])
