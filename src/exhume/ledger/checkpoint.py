"""C2SP tlog-checkpoint: the signed statement "log <origin> has <size> leaves with root <hash>".

Body (c2sp.org/tlog-checkpoint)::

    <origin>\\n
    <tree size, ASCII decimal, no leading zeros>\\n
    <base64 of the 32-byte RFC 6962/9162 root hash>\\n
    [<extension line>\\n ...]

The origin and extension lines are non-empty. The body is the text of a signed note
(:mod:`exhume.ledger.note`) signed by the log's Ed25519 key and, optionally, cosigned by
independent witnesses (c2sp.org/tlog-cosignature, signature type 0x04): each cosignature signs
``"cosignature/v1\\ntime <t>\\n" + body`` and carries the 8-byte big-endian timestamp ``t``
before the 64-byte signature.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass

from exhume.errors import InvalidInputError, VerificationError
from exhume.ledger.keys import COSIGNATURE_V1, Signer, Verifier
from exhume.ledger.merkle import HASH_SIZE
from exhume.ledger.note import NoteSignature, add_signatures, sign_note, verify_note

_SIZE = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: origin, tree size, root hash and optional extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise InvalidInputError("checkpoint origin must be one non-empty line", field="origin")
        if self.size < 0:
            raise InvalidInputError("checkpoint tree size must be >= 0", field="size")
        if len(self.root) != HASH_SIZE:
            raise InvalidInputError(
                f"checkpoint root hash must have {HASH_SIZE} bytes", field="root"
            )
        if any(not line or "\n" in line for line in self.extensions):
            raise InvalidInputError("checkpoint extension lines must be non-empty single lines")

    def body(self) -> str:
        """The note text: origin, size, base64 root, extension lines, each ending in newline."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        return "".join(f"{line}\n" for line in [*lines, *self.extensions])


@dataclass(frozen=True)
class Cosignature:
    """A verified witness cosignature: who, and the time (POSIX seconds) it states."""

    name: str
    key_id: bytes
    timestamp: int


@dataclass(frozen=True)
class VerifiedCheckpoint:
    """A checkpoint whose log signature (and any known cosignatures) verified."""

    checkpoint: Checkpoint
    log_key: str
    cosignatures: tuple[Cosignature, ...]


def parse_checkpoint_body(text: str) -> Checkpoint:
    """Parse a checkpoint body, naming the line at fault."""
    if not text.endswith("\n"):
        raise InvalidInputError("checkpoint body must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise InvalidInputError(f"checkpoint body has {len(lines)} lines; it needs at least 3")
    origin, size_text, root_text, *extensions = lines
    if not _SIZE.fullmatch(size_text):
        raise InvalidInputError(f"checkpoint line 2 (tree size) is not a decimal: {size_text!r}")
    try:
        root = base64.b64decode(root_text, validate=True)
    except binascii.Error as exc:
        raise InvalidInputError(f"checkpoint line 3 (root hash) is not base64: {exc}") from exc
    if base64.b64encode(root).decode() != root_text:
        raise InvalidInputError("checkpoint line 3 (root hash) is not canonical base64")
    return Checkpoint(origin, int(size_text), root, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    """The checkpoint as a signed note, signed by the log key ``signer``."""
    return sign_note(checkpoint.body(), [signer])


def cosign_checkpoint(note: str, cosigner: Signer, timestamp: int) -> str:
    """Add a cosignature/v1 line by witness ``cosigner`` at POSIX time ``timestamp``.

    The witness is expected to have verified the log signature and consistency with the last
    checkpoint it saw (:func:`verify_checkpoint`, :func:`~exhume.ledger.merkle.verify_consistency`).
    """
    if cosigner.sig_type != COSIGNATURE_V1:
        raise InvalidInputError(f"key {cosigner.name!r} is not a cosignature/v1 witness key")
    return add_signatures(note, [cosigner], timestamp=timestamp)


def verify_checkpoint(
    note: str | bytes,
    log_keys: Sequence[Verifier],
    witnesses: Sequence[Verifier] = (),
    *,
    quorum: int = 0,
    origin: str | None = None,
) -> VerifiedCheckpoint:
    """Verify a checkpoint note: a log key signed it, known witness cosignatures verify, at least
    ``quorum`` witnesses cosigned, and (when given) the origin matches.

    Raises VerificationError naming the failing key, the missing log signature or the witnesses that
    did not cosign.
    """
    verified = verify_note(note, [*log_keys, *witnesses])
    log = next((v for v in log_keys if verified.signed_by(v) is not None), None)
    if log is None:
        names = ", ".join(f"{v.name} (key ID {v.key_id.hex()})" for v in log_keys)
        raise VerificationError(f"checkpoint is not signed by a trusted log key ({names})")
    checkpoint = parse_checkpoint_body(verified.text)
    if origin is not None and checkpoint.origin != origin:
        raise VerificationError(f"checkpoint origin is {checkpoint.origin!r}, expected {origin!r}")
    cosignatures = _cosignatures(verified.verified, witnesses)
    if len(cosignatures) < quorum:
        missing = sorted({w.name for w in witnesses} - {c.name for c in cosignatures})
        raise VerificationError(
            f"checkpoint has {len(cosignatures)} witness cosignatures, {quorum} needed; "
            f"missing: {', '.join(missing)}"
        )
    return VerifiedCheckpoint(checkpoint, log.name, cosignatures)


def _cosignatures(
    signatures: Sequence[NoteSignature], witnesses: Sequence[Verifier]
) -> tuple[Cosignature, ...]:
    """The verified signatures made by cosignature/v1 witness keys, with their timestamps."""
    ids = {(w.name, w.key_id) for w in witnesses if w.sig_type == COSIGNATURE_V1}
    return tuple(
        Cosignature(s.name, s.key_id, int.from_bytes(s.signature[:8], "big"))
        for s in signatures
        if (s.name, s.key_id) in ids
    )
