"""Merkle tree hashing, inclusion and consistency proofs (RFC 9162 section 2.1, = RFC 6962 2.1).

Rules implemented (hash = SHA-256):

* leaf hash ``H(0x00 || data)``; interior node ``H(0x01 || left || right)``; empty tree ``H("")``.
* ``MTH(D[n])`` for n > 1 splits at k, the largest power of two smaller than n:
  ``H(0x01 || MTH(D[0:k]) || MTH(D[k:n]))``.
* Inclusion proof ``PATH(m, D[n])`` (2.1.3.1) and its verification (2.1.3.2).
* Consistency proof ``PROOF(m, D[n])`` / ``SUBPROOF`` (2.1.4.1) and its verification (2.1.4.2).

Roots are computed with a *compact range*: the stack of roots of the perfect subtrees that make
up the first n leaves (one per set bit of n). Appending a leaf merges equal-sized subtrees, so it
costs O(1) amortised and O(log n) at worst, and the root of n leaves needs only that stack.
:class:`MerkleTree` also keeps every perfect subtree's hash (levels), so any past root, inclusion
proof or consistency proof costs O(log n) hashes.

The subtree proofs of the newer Merkle Tree Certificates draft live in
:mod:`exhume.ledger.subtree`. Where the transparency-dev/merkle vectors (our test data) are
stricter than the RFC text, we follow the vectors, and so does every verifier here:

* A consistency proof from size 0 is always rejected, even 0 -> 0 with an empty proof and equal
  roots (RFC 9162 leaves "from the empty tree" trivially true; there is nothing to prove).
* ``size1 == size2`` requires an empty proof *and* equal roots; the RFC algorithm would fail
  every empty proof at its step 1 and does not discuss a non-empty proof for equal sizes.
* ``size1 > size2`` and ``index >= size`` are errors before any hashing.
* Proofs with an extra trailing hash (or a hash inserted in the middle), or a missing one, are
  rejected: the proof length must be exactly what the sizes imply. The RFC algorithm already
  rejects most such proofs (its "sn is 0" check) but says so only implicitly; we check the
  expected length first and name it in the error.
* The leaf hash and every proof hash must be exactly 32 bytes (the vectors reject an empty leaf
  hash even when the "root" is empty too). Roots are compared as byte strings of whatever length
  they have: the vectors use 12-byte placeholder roots ("don't care") where the sizes alone
  decide the verdict, e.g. 1 -> 1 with equal placeholder roots and an empty proof is valid.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from exhume.errors import VerificationError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 || data)``: the hash of one log entry."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``: the hash of an interior node."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def largest_power_of_two_below(n: int) -> int:
    """k, the largest power of two with k < n (n >= 2): where MTH splits a tree of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


class CompactRange:
    """The roots of the perfect subtrees covering leaves [0, size): enough to append and to hash.

    ``_stack[i]`` is the root of a perfect subtree of ``2**_heights[i]`` leaves; heights strictly
    decrease, one per set bit of ``size``.
    """

    def __init__(self) -> None:
        self._stack: list[bytes] = []
        self._heights: list[int] = []
        self.size = 0

    def append(self, leaf: bytes) -> None:
        """Append a *leaf hash*, merging equal subtrees: O(1) amortised, O(log n) at worst."""
        node, height = leaf, 0
        while self._heights and self._heights[-1] == height:
            node = node_hash(self._stack.pop(), node)
            self._heights.pop()
            height += 1
        self._stack.append(node)
        self._heights.append(height)
        self.size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        """Append many leaf hashes in order."""
        for leaf in leaves:
            self.append(leaf)

    def root(self) -> bytes:
        """MTH of the leaves so far: fold the subtree roots from the smallest (rightmost) one."""
        if not self._stack:
            return EMPTY_ROOT
        node = self._stack[-1]
        for left in reversed(self._stack[:-1]):
            node = node_hash(left, node)
        return node


def root_from_leaf_hashes(leaves: Iterable[bytes]) -> bytes:
    """MTH over the given leaf hashes, in O(n) hashes and O(log n) memory."""
    compact = CompactRange()
    compact.extend(leaves)
    return compact.root()


class MerkleTree:
    """An append-only Merkle tree that keeps every perfect subtree hash, for proofs at any size.

    ``levels[h][j]`` is the root of the perfect subtree of leaves ``[j * 2**h, (j + 1) * 2**h)``.
    Memory is about 2n hashes.
    """

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        for leaf in leaves:
            self.append(leaf)

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self.levels[0])

    def append(self, leaf: bytes) -> int:
        """Append a leaf hash; return its 0-based index. O(1) amortised."""
        index = self.size
        self.levels[0].append(leaf)
        height, position = 0, index
        while position % 2 == 1:
            level = self.levels[height]
            parent = node_hash(level[position - 1], level[position])
            if len(self.levels) == height + 1:
                self.levels.append([])
            self.levels[height + 1].append(parent)
            height, position = height + 1, position // 2
        return index

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves (default: all)."""
        size = self.size if size is None else size
        self._check_size(size)
        return EMPTY_ROOT if size == 0 else self.subtree_root(0, size)

    def subtree_root(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a subtree met in the RFC recursion (start aligned on the split)."""
        n = end - start
        if n & (n - 1) == 0 and start % n == 0:
            return self.levels[n.bit_length() - 1][start // n]
        k = largest_power_of_two_below(n)
        return node_hash(self.subtree_root(start, start + k), self.subtree_root(start + k, end))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """``PATH(index, D[size])`` (RFC 9162 2.1.3.1), leaf-side hash first."""
        size = self.size if size is None else size
        self._check_size(size)
        if not 0 <= index < size:
            raise VerificationError(
                f"no inclusion proof for leaf {index}: the tree has {size} leaves"
            )
        return self._path(index, 0, size)

    def _path(self, m: int, start: int, end: int) -> list[bytes]:
        n = end - start
        if n == 1:
            return []
        k = largest_power_of_two_below(n)
        if m < k:
            return [*self._path(m, start, start + k), self.subtree_root(start + k, end)]
        return [*self._path(m - k, start + k, end), self.subtree_root(start, start + k)]

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        """``PROOF(size1, D[size2])`` (RFC 9162 2.1.4.1); empty when the sizes are equal."""
        size2 = self.size if size2 is None else size2
        self._check_size(size2)
        if not 0 < size1 <= size2:
            raise VerificationError(
                f"no consistency proof from size {size1} to size {size2}: need 0 < size1 <= size2"
            )
        return self._subproof(size1, 0, size2, True)

    def _subproof(self, m: int, start: int, end: int, complete: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if complete else [self.subtree_root(start, end)]
        k = largest_power_of_two_below(n)
        if m <= k:
            return [
                *self._subproof(m, start, start + k, complete),
                self.subtree_root(start + k, end),
            ]
        return [*self._subproof(m - k, start + k, end, False), self.subtree_root(start, start + k)]

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise VerificationError(
                f"tree size {size} is out of range: the tree has {self.size} leaves"
            )


# --- verification -----------------------------------------------------------------------------


def inclusion_proof_length(index: int, size: int) -> int:
    """Exact number of hashes in PATH(index, D[size]) (0 <= index < size).

    It is the number of iterations of RFC 9162 2.1.3.2 step 4 before ``sn`` reaches 0.
    """
    return _steps_until_sn_is_zero(index, size - 1)


def _steps_until_sn_is_zero(fn: int, sn: int) -> int:
    steps = 0
    while sn > 0:
        steps += 1
        if fn % 2 == 1 or fn == sn:
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        fn, sn = fn >> 1, sn >> 1
    return steps


def root_from_inclusion_proof(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root implied by an inclusion proof (RFC 9162 2.1.3.2 steps 1-4).

    Raises VerificationError when index >= size or the proof has the wrong number of hashes.
    """
    if not 0 <= index < size:
        raise VerificationError(
            f"inclusion proof for leaf {index} of {size}: leaf index is outside the tree"
        )
    expected = inclusion_proof_length(index, size)
    if len(proof) != expected:
        raise VerificationError(
            f"inclusion proof for leaf {index} of {size} has {len(proof)} hashes; "
            f"it must have exactly {expected}"
        )
    _check_hash_sizes(f"inclusion proof for leaf {index} of {size}", proof, leaf=leaf)
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r


def _check_hash_sizes(where: str, proof: Sequence[bytes], leaf: bytes | None = None) -> None:
    if leaf is not None and len(leaf) != HASH_SIZE:
        raise VerificationError(f"{where}: leaf hash has {len(leaf)} bytes, not {HASH_SIZE}")
    for position, item in enumerate(proof):
        if len(item) != HASH_SIZE:
            raise VerificationError(
                f"{where}: proof hash {position} has {len(item)} bytes, not {HASH_SIZE}"
            )


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf`` is leaf ``index`` of the tree of ``size`` leaves with ``root``.

    Returns nothing; raises VerificationError saying what did not match.
    """
    computed = root_from_inclusion_proof(leaf, index, size, proof)
    if computed != root:
        raise VerificationError(
            f"inclusion proof for leaf {index} of {size} does not lead to the root: "
            f"computed {computed.hex()}, expected {root.hex()}"
        )


def is_included(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """Boolean form of :func:`verify_inclusion`."""
    try:
        verify_inclusion(leaf, index, size, proof, root)
    except VerificationError:
        return False
    return True


def verify_consistency(
    size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree (size2, root2) extends the tree (size1, root1) (RFC 9162 2.1.4.2).

    Returns nothing; raises VerificationError saying what did not match. Stricter than the RFC as
    described in the module docstring (size1 == 0 rejected, exact proof length).
    """
    where = f"consistency proof from size {size1} to size {size2}"
    if size1 > size2:
        raise VerificationError(f"{where}: the first tree is larger than the second")
    if size1 == 0:
        raise VerificationError(f"{where}: a proof from the empty tree proves nothing")
    if size1 == size2:
        _check_equal_sizes(where, root1, root2, proof)
        return
    seeded = size1 & (size1 - 1) == 0  # RFC step 2: root1 is prepended for a power of two
    expected = consistency_proof_length(size1, size2)
    if len(proof) != expected:
        raise VerificationError(f"{where} has {len(proof)} hashes; it must have exactly {expected}")
    _check_hash_sizes(where, proof)
    path = [root1, *proof] if seeded else list(proof)
    fr, sr = _consistency_roots(size1, size2, path)
    if fr != root1:
        raise VerificationError(f"{where} does not lead to the first root: computed {fr.hex()}")
    if sr != root2:
        raise VerificationError(f"{where} does not lead to the second root: computed {sr.hex()}")


def _check_equal_sizes(where: str, root1: bytes, root2: bytes, proof: Sequence[bytes]) -> None:
    if proof:
        raise VerificationError(
            f"{where}: equal sizes need an empty proof, got {len(proof)} hashes"
        )
    if root1 != root2:
        raise VerificationError(f"{where}: equal sizes but different roots")


def consistency_proof_length(size1: int, size2: int) -> int:
    """Exact number of hashes in PROOF(size1, D[size2]) for 0 < size1 < size2."""
    fn, sn = size1 - 1, size2 - 1
    while fn % 2 == 1:
        fn, sn = fn >> 1, sn >> 1
    seeded = size1 & (size1 - 1) == 0
    return _steps_until_sn_is_zero(fn, sn) + (0 if seeded else 1)


def _consistency_roots(size1: int, size2: int, path: Sequence[bytes]) -> tuple[bytes, bytes]:
    """RFC 9162 2.1.4.2 steps 3-6: fold the path into (first root, second root)."""
    fn, sn = size1 - 1, size2 - 1
    while fn % 2 == 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if fn % 2 == 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr, sr


def is_consistent(
    size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]
) -> bool:
    """Boolean form of :func:`verify_consistency`."""
    try:
        verify_consistency(size1, size2, root1, root2, proof)
    except VerificationError:
        return False
    return True
