"""RFC 9162 Merkle hashing and proofs: published vectors, a naive reference, and Hypothesis."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exhume.errors import VerificationError
from exhume.ledger import merkle
from exhume.ledger.merkle import (
    EMPTY_ROOT,
    CompactRange,
    MerkleTree,
    is_consistent,
    is_included,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

from .vectors import vector_files, vectors_dir

INCLUSION = vector_files("merkle", "testdata/inclusion/**/*.json")
CONSISTENCY = vector_files("merkle", "testdata/consistency/**/*.json")


def b64(text: str | None) -> bytes:
    return base64.b64decode(text or "")


def naive_mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 MTH written literally (recursive split), the slow reference."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(naive_mth(leaves[:k]), naive_mth(leaves[k:]))


def leaves_for(n: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


def test_vectors_are_all_present() -> None:
    vectors_dir("merkle")
    assert (len(INCLUSION), len(CONSISTENCY)) == (98, 98)


@pytest.mark.parametrize("path", INCLUSION, ids=lambda p: "/".join(p.parts[-2:]))
def test_inclusion_vector(path: Path) -> None:
    v = json.loads(path.read_text())
    proof = [b64(h) for h in v["proof"] or []]
    args = (b64(v["leafHash"]), v["leafIdx"], v["treeSize"], proof, b64(v["root"]))
    assert is_included(*args) is not v["wantErr"], v["desc"]
    if v["wantErr"]:
        with pytest.raises(VerificationError, match=f"inclusion proof for leaf {v['leafIdx']} of"):
            verify_inclusion(*args)


@pytest.mark.parametrize("path", CONSISTENCY, ids=lambda p: "/".join(p.parts[-2:]))
def test_consistency_vector(path: Path) -> None:
    v = json.loads(path.read_text())
    proof = [b64(h) for h in v["proof"] or []]
    args = (v["size1"], v["size2"], b64(v["root1"]), b64(v["root2"]), proof)
    assert is_consistent(*args) is not v["wantErr"], v["desc"]
    if v["wantErr"]:
        where = f"consistency proof from size {v['size1']} to size {v['size2']}"
        with pytest.raises(VerificationError, match=where):
            verify_consistency(*args)


def test_reference_tree_roots_match_every_size() -> None:
    ref = json.loads((vectors_dir("merkle") / "reference_roots.json").read_text())
    inputs = [bytes.fromhex(h) for h in ref["leaf_inputs_hex"]]
    hashes = [leaf_hash(x) for x in inputs]
    assert [h.hex() for h in hashes] == ref["leaf_hashes_hex"]
    tree = MerkleTree(hashes)
    for row in ref["roots_by_tree_size"]:
        size = row["tree_size"]
        assert tree.root(size).hex() == row["root_hex"]
        assert root_from_leaf_hashes(hashes[:size]).hex() == row["root_hex"]
    for row in ref["node_hashes_by_level"]:
        assert [h.hex() for h in tree.levels[row["level"]]] == row["hashes_hex"]


def test_hasher_vectors() -> None:
    ref = json.loads((vectors_dir("merkle") / "reference_roots.json").read_text())
    for v in ref["hasher_vectors"]:
        if v["kind"] == "empty_root":
            got = EMPTY_ROOT
        elif v["kind"] == "leaf":
            got = leaf_hash(bytes.fromhex(v["input_hex"]))
        else:
            got = node_hash(bytes.fromhex(v["left_hex"]), bytes.fromhex(v["right_hex"]))
        assert got.hex() == v["expected_hex"], v["desc"]


def test_happy_path_proofs_are_what_we_generate() -> None:
    ref = json.loads((vectors_dir("merkle") / "reference_roots.json").read_text())
    tree = MerkleTree(leaf_hash(bytes.fromhex(h)) for h in ref["leaf_inputs_hex"])
    for path in INCLUSION + CONSISTENCY:
        v = json.loads(path.read_text())
        if path.name != "happy-path.json" or "additional" in path.parts:
            continue
        proof = [b64(h) for h in v["proof"] or []]
        if "leafIdx" in v:
            assert tree.inclusion_proof(v["leafIdx"], v["treeSize"]) == proof
        else:
            assert tree.consistency_proof(v["size1"], v["size2"]) == proof


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 8, 13, 64, 100])
def test_compact_range_root_equals_naive_mth(n: int) -> None:
    leaves = leaves_for(n)
    compact = CompactRange()
    compact.extend(leaves)
    assert compact.size == n
    assert compact.root() == naive_mth(leaves) == MerkleTree(leaves).root()


def test_tree_gives_every_past_root() -> None:
    leaves = leaves_for(37)
    tree = MerkleTree(leaves)
    assert [tree.root(m) for m in range(38)] == [naive_mth(leaves[:m]) for m in range(38)]


def test_it_refuses_a_proof_for_a_leaf_outside_the_tree() -> None:
    tree = MerkleTree(leaves_for(4))
    with pytest.raises(VerificationError, match="no inclusion proof for leaf 4: the tree has 4"):
        tree.inclusion_proof(4)
    with pytest.raises(VerificationError, match="tree size 5 is out of range"):
        tree.root(5)
    with pytest.raises(VerificationError, match="need 0 < size1 <= size2"):
        tree.consistency_proof(0, 3)


def test_inclusion_error_names_leaf_size_and_roots() -> None:
    leaves = leaves_for(8)
    tree = MerkleTree(leaves)
    proof = tree.inclusion_proof(5)
    with pytest.raises(VerificationError) as info:
        verify_inclusion(leaves[4], 5, 8, proof, tree.root())
    assert str(info.value).startswith(
        "inclusion proof for leaf 5 of 8 does not lead to the root: computed "
    )
    assert str(info.value).endswith(f"expected {tree.root().hex()}")


def test_it_rejects_a_proof_with_an_extra_trailing_hash() -> None:
    tree = MerkleTree(leaves_for(6))
    proof = [*tree.inclusion_proof(2), bytes(32)]
    with pytest.raises(VerificationError, match="has 4 hashes; it must have exactly 3"):
        verify_inclusion(leaves_for(6)[2], 2, 6, proof, tree.root())


def test_hundred_thousand_leaf_root_equals_the_tree_root() -> None:
    """Speed lives in benchmarks/ledger_bench.py, never in a timed unit test."""
    leaves = leaves_for(100_000)
    assert root_from_leaf_hashes(leaves) == MerkleTree(leaves).root()


def flip_bit(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), n=st.integers(min_value=1, max_value=70))
def test_generated_inclusion_proofs_verify_and_any_bit_flip_fails(
    n: int, data: st.DataObject
) -> None:
    leaves = leaves_for(n)
    size = data.draw(st.integers(min_value=1, max_value=n), label="size")
    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    tree = MerkleTree(leaves)
    proof = tree.inclusion_proof(index, size)
    root = tree.root(size)
    assert root == naive_mth(leaves[:size])
    verify_inclusion(leaves[index], index, size, proof, root)
    bit = data.draw(st.integers(min_value=0, max_value=256 * (len(proof) + 2) - 1), label="bit")
    which, bit = divmod(bit, 256)
    if which < len(proof):
        proof = [*proof[:which], flip_bit(proof[which], bit), *proof[which + 1 :]]
        assert not is_included(leaves[index], index, size, proof, root)
    elif which == len(proof):
        assert not is_included(flip_bit(leaves[index], bit), index, size, proof, root)
    else:
        assert not is_included(leaves[index], index, size, proof, flip_bit(root, bit))


@settings(max_examples=60, deadline=None)
@given(data=st.data(), n=st.integers(min_value=1, max_value=70))
def test_generated_consistency_proofs_verify_and_any_bit_flip_fails(
    n: int, data: st.DataObject
) -> None:
    tree = MerkleTree(leaves_for(n))
    size2 = data.draw(st.integers(min_value=1, max_value=n), label="size2")
    size1 = data.draw(st.integers(min_value=1, max_value=size2), label="size1")
    proof = tree.consistency_proof(size1, size2)
    root1, root2 = tree.root(size1), tree.root(size2)
    assert len(proof) == (0 if size1 == size2 else merkle.consistency_proof_length(size1, size2))
    verify_consistency(size1, size2, root1, root2, proof)
    bit = data.draw(st.integers(min_value=0, max_value=256 * (len(proof) + 2) - 1), label="bit")
    which, bit = divmod(bit, 256)
    if which < len(proof):
        proof = [*proof[:which], flip_bit(proof[which], bit), *proof[which + 1 :]]
        assert not is_consistent(size1, size2, root1, root2, proof)
    elif which == len(proof):
        assert not is_consistent(size1, size2, flip_bit(root1, bit), root2, proof)
    else:
        assert not is_consistent(size1, size2, root1, flip_bit(root2, bit), proof)


def test_inclusion_proof_length_matches_generated_proofs() -> None:
    tree = MerkleTree(leaves_for(33))
    for size in range(1, 34):
        for index in range(size):
            assert merkle.inclusion_proof_length(index, size) == len(
                tree.inclusion_proof(index, size)
            )
