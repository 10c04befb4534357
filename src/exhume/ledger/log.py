"""An in-memory append-only log of entries over an RFC 9162 Merkle tree, and its full audit.

The log stores each entry's leaf bytes (canonical JSON, see
:func:`~exhume.ledger.commitments.entry_leaf`) and a :class:`~exhume.ledger.merkle.MerkleTree` of
their leaf hashes, so appending is O(1)
amortised and any root or proof is O(log n). It is the reference model for the database-backed
audit log: the Django side stores the same leaf bytes in order and can rebuild this object.

History rules enforced on append and re-checked by :func:`audit_entries`:

* entry ``seq`` equals its leaf index;
* a record's first entry is a ``create``; every later entry of the same (record_type,
  record_id) supersedes that record's *latest* entry and has version = its version + 1, so a
  record's history is a single chain with no forks;
* a ``prev`` field, when present, equals the log root before the entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from exhume.errors import InvalidInputError, VerificationError
from exhume.ledger.checkpoint import (
    Checkpoint,
    VerifiedCheckpoint,
    sign_checkpoint,
    verify_checkpoint,
)
from exhume.ledger.commitments import describe_entry, entry_leaf, parse_entry_leaf
from exhume.ledger.keys import Signer, Verifier
from exhume.ledger.merkle import CompactRange, MerkleTree, leaf_hash


@dataclass
class RecordHistory:
    """The latest entry (seq, version) of every record seen so far, to check the next entry."""

    latest: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)

    def problem(self, entry: Mapping[str, Any], index: int, root: bytes | None) -> str | None:
        """Why ``entry`` cannot be leaf ``index`` after the entries seen so far, or None."""
        if entry["seq"] != index:
            return f"{describe_entry(entry)} is at leaf {index}; seq must equal the leaf index"
        if root is not None and "prev" in entry and entry["prev"] != root.hex():
            return f"{describe_entry(entry)}: 'prev' is not the log root before it"
        key = (entry["record_type"], entry["record_id"])
        before = self.latest.get(key)
        if before is None:
            ok = entry["action"] in ("create", "publish")
            return None if ok else f"{describe_entry(entry)} changes a record never created"
        if entry["action"] in ("create", "publish"):
            return f"{describe_entry(entry)} creates a record that exists since entry {before[0]}"
        if entry["supersedes"] != before[0] or entry["version"] != before[1] + 1:
            return (
                f"{describe_entry(entry)} must supersede the record's latest entry {before[0]} "
                f"with version {before[1] + 1}"
            )
        return None

    def add(self, entry: Mapping[str, Any]) -> None:
        """Record ``entry`` as its record's latest."""
        self.latest[(entry["record_type"], entry["record_id"])] = (entry["seq"], entry["version"])


class Log:
    """An append-only sequence of entries with its Merkle tree."""

    def __init__(self) -> None:
        self._leaves: list[bytes] = []
        self._tree = MerkleTree()
        self._history = RecordHistory()

    @classmethod
    def from_leaves(cls, leaves: Iterable[bytes]) -> Log:
        """Rebuild a log from stored leaf bytes, re-checking every history rule."""
        log = cls()
        for leaf in leaves:
            log.append(parse_entry_leaf(leaf, where=f"leaf {log.size}"))
        return log

    @property
    def size(self) -> int:
        """Number of entries."""
        return self._tree.size

    def append(self, entry: Mapping[str, Any]) -> int:
        """Validate ``entry`` against the format and history rules, append it, return its seq."""
        leaf = entry_leaf(entry)
        root = self._tree.root() if "prev" in entry else None
        problem = self._history.problem(entry, self.size, root)
        if problem is not None:
            raise InvalidInputError(problem)
        self._history.add(entry)
        self._leaves.append(leaf)
        return self._tree.append(leaf_hash(leaf))

    def latest_seq(self, record_type: str, record_id: str) -> int | None:
        """Seq of the latest entry of a record, or None when the log has none."""
        found = self._history.latest.get((record_type, record_id))
        return None if found is None else found[0]

    def leaf(self, index: int) -> bytes:
        """The canonical bytes of entry ``index``."""
        return self._leaves[index]

    def entry(self, index: int) -> dict[str, Any]:
        """Entry ``index`` as a dict."""
        return parse_entry_leaf(self._leaves[index], where=f"leaf {index}")

    def leaves(self, size: int | None = None) -> list[bytes]:
        """The first ``size`` leaves (default all)."""
        return self._leaves[: self.size if size is None else size]

    def root(self, size: int | None = None) -> bytes:
        """Root hash of the first ``size`` entries (default all)."""
        return self._tree.root(size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Proof that entry ``index`` is in the tree of ``size`` entries."""
        return self._tree.inclusion_proof(index, size)

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        """Proof that the tree of ``size2`` entries extends the tree of ``size1``."""
        return self._tree.consistency_proof(size1, size2)

    def checkpoint(
        self,
        origin: str,
        signer: Signer,
        *,
        size: int | None = None,
        extensions: Sequence[str] = (),
    ) -> str:
        """A signed C2SP checkpoint note for the first ``size`` entries (default all)."""
        size = self.size if size is None else size
        head = Checkpoint(origin, size, self.root(size), tuple(extensions))
        return sign_checkpoint(head, signer)


class HistoryAuditor:
    """Checks the history rules of a log's entries in leaf order, one leaf at a time."""

    def __init__(self) -> None:
        self.history = RecordHistory()
        self.compact = CompactRange()

    def feed(self, leaf: bytes, entry: Mapping[str, Any] | None) -> str | None:
        """Append ``leaf`` (whose parsed entry is ``entry``, or None when it did not parse) and
        return the history rule it breaks, if any."""
        problem = None
        if entry is not None:
            root = self.compact.root() if "prev" in entry else None
            problem = self.history.problem(entry, self.compact.size, root)
            if problem is None:
                self.history.add(entry)
        self.compact.append(leaf_hash(leaf))
        return problem


def audit_entries(leaves: Iterable[bytes]) -> list[str]:
    """Every broken format or history rule in a full log, one message per entry at fault."""
    auditor, problems = HistoryAuditor(), []
    for index, leaf in enumerate(leaves):
        entry = None
        try:
            entry = parse_entry_leaf(leaf, where=f"leaf {index}")
        except InvalidInputError as exc:
            problems.append(exc.message)
        problem = auditor.feed(leaf, entry)
        if problem is not None:
            problems.append(problem)
    return problems


def verify_log(
    leaves: Sequence[bytes],
    note: str,
    log_keys: Sequence[Verifier],
    witnesses: Sequence[Verifier] = (),
    *,
    quorum: int = 0,
    audit: bool = True,
) -> VerifiedCheckpoint:
    """Verify a complete log from scratch against its signed checkpoint.

    Checks the checkpoint's signatures, that it covers exactly ``len(leaves)`` entries, that the
    root recomputed from the leaves matches, and (``audit``) every entry rule. Raises
    VerificationError listing what failed.
    """
    verified = verify_checkpoint(note, log_keys, witnesses, quorum=quorum)
    head = verified.checkpoint
    if head.size != len(leaves):
        raise VerificationError(
            f"checkpoint covers {head.size} entries but the log has {len(leaves)}"
        )
    compact = CompactRange()
    compact.extend(leaf_hash(leaf) for leaf in leaves)
    if compact.root() != head.root:
        raise VerificationError(
            f"the root of the {len(leaves)} log entries is {compact.root().hex()}, "
            f"the checkpoint says {head.root.hex()}: entries were changed, reordered or removed"
        )
    problems = audit_entries(leaves) if audit else []
    if problems:
        raise VerificationError("; ".join(problems))
    return verified
