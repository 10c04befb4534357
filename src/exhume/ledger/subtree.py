"""Subtree proofs (draft-ietf-plants-merkle-tree-certs, section 4), beyond RFC 9162.

Not used by exhume's own releases; implemented so that every vector of the transparency-dev
suite in our test data is checked, and for future witnesses that sign subtrees.

Rules:

* ``[start, end)`` is a *subtree* when ``0 <= start < end`` and ``start`` is a multiple of
  BIT_CEIL(end - start) (the smallest power of two >= end - start). Its hash is
  MTH(D[start:end]), which has the shape of a tree of ``end - start`` leaves.
* A subtree inclusion proof is the RFC 9162 inclusion proof of leaf ``index - start`` in that
  tree of ``end - start`` leaves.
* A subtree consistency proof ``SUBTREE_PROOF(start, end, D[n])`` shows that the subtree with
  hash ``subtree_root`` sits at [start, end) of the tree of ``n`` leaves with root ``root``.
  It is built by walking from the tree root towards the subtree, splitting each node at its
  largest power of two: the sibling of each step is appended after the deeper hashes; when the
  subtree straddles a split (only when it starts at the node's start), the walk continues into
  the right child, whose hashes the verifier does not know yet. We verify by replaying exactly
  that walk, consuming the hashes in the same order and rebuilding both the subtree hash and
  the root.
* As in the vectors: an empty range ``[s, s)`` with ``s <= n`` is consistent with any tree when
  the proof is empty and its hash is the empty-tree hash SHA-256("").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from exhume.errors import VerificationError
from exhume.ledger.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    largest_power_of_two_below,
    node_hash,
    verify_inclusion,
)


def is_valid_subtree(start: int, end: int) -> bool:
    """``0 <= start < end`` and ``start`` is a multiple of BIT_CEIL(end - start)."""
    return 0 <= start < end and start % (1 << (end - start - 1).bit_length()) == 0


def verify_subtree_inclusion(
    leaf: bytes, index: int, start: int, end: int, proof: Sequence[bytes], subtree_root: bytes
) -> None:
    """Check that ``leaf`` is leaf ``index`` of the subtree [start, end) with ``subtree_root``."""
    if not is_valid_subtree(start, end):
        raise VerificationError(f"[{start}, {end}) is not a subtree")
    if not start <= index < end:
        raise VerificationError(f"leaf {index} is outside the subtree [{start}, {end})")
    verify_inclusion(leaf, index - start, end - start, proof, subtree_root)


def subtree_consistency_proof(tree: MerkleTree, start: int, end: int, size: int) -> list[bytes]:
    """``SUBTREE_PROOF(start, end, D[size])`` from the leaves of ``tree``."""
    if not is_valid_subtree(start, end) or not end <= size <= tree.size:
        raise VerificationError(f"[{start}, {end}) is not a subtree of a tree of size {size}")
    return _subproof(tree, start, end, 0, size, True)


def _subproof(tree: MerkleTree, s: int, e: int, ws: int, we: int, known: bool) -> list[bytes]:
    if (s, e) == (ws, we):
        return [] if known else [tree.subtree_root(ws, we)]
    k = ws + largest_power_of_two_below(we - ws)
    if e <= k:
        return [*_subproof(tree, s, e, ws, k, known), tree.subtree_root(k, we)]
    if k <= s:
        return [*_subproof(tree, s, e, k, we, known), tree.subtree_root(ws, k)]
    return [*_subproof(tree, k, e, k, we, False), tree.subtree_root(ws, k)]


def verify_subtree_consistency(
    start: int,
    end: int,
    size: int,
    subtree_root: bytes,
    root: bytes,
    proof: Sequence[bytes],
) -> None:
    """Check that the subtree [start, end) with ``subtree_root`` is part of the tree (size, root).

    Returns nothing; raises VerificationError saying what did not match.
    """
    where = f"subtree consistency proof for [{start}, {end}) in a tree of size {size}"
    if start == end and 0 <= end <= size:
        if proof or subtree_root != EMPTY_ROOT:
            raise VerificationError(f"{where}: an empty range needs an empty proof and hash")
        return
    if not is_valid_subtree(start, end) or end > size:
        raise VerificationError(f"{where}: [{start}, {end}) is not a subtree of that tree")
    hashes = iter(proof)
    sub, whole = _replay(start, end, 0, size, subtree_root, hashes, where)
    if next(hashes, None) is not None:
        raise VerificationError(f"{where}: the proof has too many hashes")
    if sub != subtree_root:
        raise VerificationError(f"{where} does not lead to the subtree hash")
    if whole != root:
        raise VerificationError(f"{where} does not lead to the root")


def _replay(
    s: int, e: int, ws: int, we: int, known: bytes | None, hashes: Iterator[bytes], where: str
) -> tuple[bytes, bytes]:
    """(hash of [s, e), hash of the window [ws, we)) rebuilt from the proof, as _subproof walks."""
    if (s, e) == (ws, we):
        node = known if known is not None else _next(hashes, where)
        return node, node
    k = ws + largest_power_of_two_below(we - ws)
    if e <= k:
        sub, left = _replay(s, e, ws, k, known, hashes, where)
        return sub, node_hash(left, _next(hashes, where))
    if k <= s:
        sub, right = _replay(s, e, k, we, known, hashes, where)
        return sub, node_hash(_next(hashes, where), right)
    right_part, right = _replay(k, e, k, we, None, hashes, where)
    left = _next(hashes, where)
    return node_hash(left, right_part), node_hash(left, right)


def _next(hashes: Iterator[bytes], where: str) -> bytes:
    item = next(hashes, None)
    if item is None:
        raise VerificationError(f"{where}: the proof has too few hashes")
    return item


def is_subtree_consistent(
    start: int, end: int, size: int, subtree_root: bytes, root: bytes, proof: Sequence[bytes]
) -> bool:
    """Boolean form of :func:`verify_subtree_consistency`."""
    try:
        verify_subtree_consistency(start, end, size, subtree_root, root, proof)
    except VerificationError:
        return False
    return True
