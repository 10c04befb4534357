"""exhume.ledger: the pure integrity library (canonical JSON, RFC 9162 Merkle log, signed notes).

Nothing here imports Django or touches a database; the only I/O is in the explicit key-file
helpers of :mod:`exhume.ledger.keys` and the release-bundle reader/writer of
:mod:`exhume.ledger.bundle`. Modules, one rule each:

* :mod:`~exhume.ledger.canonical`: RFC 8785 canonical JSON.
* :mod:`~exhume.ledger.merkle`: RFC 9162 tree hashing, inclusion and consistency proofs.
* :mod:`~exhume.ledger.subtree`: subtree inclusion/consistency proofs (MTC draft).
* :mod:`~exhume.ledger.ed25519`: strict Ed25519 (canonical, non-small-order keys; cofactorless).
* :mod:`~exhume.ledger.keys`: key names, key IDs, vkeys, private-key files.
* :mod:`~exhume.ledger.note`: C2SP signed notes.
* :mod:`~exhume.ledger.checkpoint`: C2SP checkpoints and tlog-cosignature/v1.
* :mod:`~exhume.ledger.commitments`: salted record commitments, the log entry format,
  disclosures.
* :mod:`~exhume.ledger.log`: the in-memory append-only log and its full audit.
* :mod:`~exhume.ledger.bundle` / :mod:`~exhume.ledger.verify`: release bundles and their
  offline verification.
"""

from exhume.ledger.bundle import (
    CountingRule,
    ReleaseBundle,
    build_release,
    read_release,
    write_release,
)
from exhume.ledger.canonical import canonical_json
from exhume.ledger.checkpoint import (
    Checkpoint,
    VerifiedCheckpoint,
    cosign_checkpoint,
    parse_checkpoint_body,
    sign_checkpoint,
    verify_checkpoint,
)
from exhume.ledger.commitments import (
    ENTRY_FORMAT,
    REASON_CODES,
    Disclosure,
    commit,
    disclose,
    entry_leaf,
    make_entry,
    new_salt,
    note_commitment,
    open_note,
    verify_disclosure,
)
from exhume.ledger.keys import (
    COSIGNATURE_V1,
    ED25519,
    Signer,
    Verifier,
    generate_signer,
    load_private_key,
    parse_vkey,
    save_private_key,
)
from exhume.ledger.log import Log, audit_entries, verify_log
from exhume.ledger.merkle import (
    MerkleTree,
    leaf_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)
from exhume.ledger.note import sign_note, verify_note
from exhume.ledger.verify import VerificationReport, verify_release, verify_release_against_log

__all__ = [
    "COSIGNATURE_V1",
    "ED25519",
    "ENTRY_FORMAT",
    "REASON_CODES",
    "Checkpoint",
    "CountingRule",
    "Disclosure",
    "Log",
    "MerkleTree",
    "ReleaseBundle",
    "Signer",
    "VerificationReport",
    "VerifiedCheckpoint",
    "Verifier",
    "audit_entries",
    "build_release",
    "canonical_json",
    "commit",
    "cosign_checkpoint",
    "disclose",
    "entry_leaf",
    "generate_signer",
    "leaf_hash",
    "load_private_key",
    "make_entry",
    "new_salt",
    "note_commitment",
    "open_note",
    "parse_checkpoint_body",
    "parse_vkey",
    "read_release",
    "root_from_leaf_hashes",
    "save_private_key",
    "sign_checkpoint",
    "sign_note",
    "verify_checkpoint",
    "verify_consistency",
    "verify_disclosure",
    "verify_inclusion",
    "verify_log",
    "verify_note",
    "verify_release",
    "verify_release_against_log",
    "write_release",
]
