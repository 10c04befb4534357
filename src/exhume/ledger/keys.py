"""Signing keys for notes and checkpoints: names, key IDs, vkeys and private-key files.

Rules (C2SP signed-note, golang.org/x/mod/sumdb/note):

* A key name is non-empty, contains no Unicode space, no ``+`` and no control character.
* key ID = ``SHA-256(name || 0x0A || signature type || 32-byte public key)[:4]``, with signature
  type ``0x01`` for Ed25519 note signatures and ``0x04`` for Ed25519 timestamped witness
  cosignatures (C2SP tlog-cosignature).
* A verifier key ("vkey") is ``<name>+<key ID as 8 lowercase hex digits>+<base64(type || key)>``.
* A private key file holds one line ``PRIVATE+KEY+<name>+<key ID hex>+<base64(type || seed)>``
  (the Go ``note`` "skey" form), is created with permissions 0600 and is never overwritten.
  Keys never go into the database; the caller chooses the path.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exhume.errors import InvalidInputError
from exhume.ledger import ed25519

#: Signature type byte of an Ed25519 note signature (C2SP signed-note).
ED25519 = 0x01
#: Signature type byte of an Ed25519 timestamped cosignature (C2SP tlog-cosignature).
COSIGNATURE_V1 = 0x04
SIGNATURE_TYPES = {ED25519: "Ed25519", COSIGNATURE_V1: "Ed25519 cosignature/v1"}
_PRIVATE_PREFIX = "PRIVATE+KEY+"


def check_key_name(name: str) -> None:
    """Raise InvalidInputError unless ``name`` is a valid note key name."""
    if not name:
        raise InvalidInputError("a key name must not be empty", field="name")
    bad = [c for c in name if c.isspace() or c == "+" or ord(c) < 0x20 or ord(c) == 0x7F]
    if bad:
        raise InvalidInputError(
            f"key name {name!r} contains {bad[0]!r}; names may not contain spaces, '+' or "
            "control characters",
            field="name",
        )


def key_id(name: str, sig_type: int, public_key: bytes) -> bytes:
    """``SHA-256(name || 0x0A || sig_type || public_key)[:4]``."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([sig_type]) + public_key).digest()[:4]


def cosignature_message(body: str, timestamp: int) -> bytes:
    """What a cosignature/v1 signs: ``"cosignature/v1\\ntime <t>\\n" + checkpoint body``."""
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode()


@dataclass(frozen=True)
class Verifier:
    """A named public key that checks note signatures of one signature type."""

    name: str
    public_key: bytes
    sig_type: int = ED25519

    def __post_init__(self) -> None:
        check_key_name(self.name)
        if self.sig_type not in SIGNATURE_TYPES:
            raise InvalidInputError(
                f"key {self.name!r}: unsupported signature type {self.sig_type}"
            )
        ed25519.check_public_key(self.public_key)

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID that prefixes this key's signatures."""
        return key_id(self.name, self.sig_type, self.public_key)

    @property
    def vkey(self) -> str:
        """``<name>+<hex key ID>+<base64(type || public key)>``."""
        material = base64.b64encode(bytes([self.sig_type]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{material}"

    def verify(self, text: str, signature: bytes) -> bool:
        """Check ``signature`` (the bytes after the key ID) over the note ``text``.

        For a cosignature/v1 key the signature is ``timestamp (u64 big-endian) || Ed25519
        signature`` over :func:`cosignature_message`.
        """
        if self.sig_type == COSIGNATURE_V1:
            if len(signature) != 8 + ed25519.SIGNATURE_SIZE:
                return False
            timestamp = int.from_bytes(signature[:8], "big")
            message = cosignature_message(text, timestamp)
            return timestamp < 2**63 and ed25519.verify(self.public_key, message, signature[8:])
        return ed25519.verify(self.public_key, text.encode(), signature)


@dataclass(frozen=True, repr=False)
class Signer:
    """A named Ed25519 private key (the 32-byte seed) that signs notes or cosigns checkpoints."""

    name: str
    seed: bytes
    sig_type: int = ED25519

    def __post_init__(self) -> None:
        check_key_name(self.name)
        if len(self.seed) != 32:
            raise InvalidInputError(f"key {self.name!r}: an Ed25519 seed has 32 bytes")
        if self.sig_type not in SIGNATURE_TYPES:
            raise InvalidInputError(
                f"key {self.name!r}: unsupported signature type {self.sig_type}"
            )

    def __repr__(self) -> str:
        return f"Signer(name={self.name!r}, key_id={self.key_id.hex()}, sig_type={self.sig_type})"

    @property
    def verifier(self) -> Verifier:
        """The matching public :class:`Verifier`."""
        return Verifier(self.name, ed25519.public_key_from_seed(self.seed), self.sig_type)

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID."""
        return self.verifier.key_id

    def sign(self, text: str, *, timestamp: int | None = None) -> bytes:
        """Signature bytes (without the key ID) over note ``text``.

        A cosignature/v1 key needs ``timestamp`` (POSIX seconds) and returns ``u64(timestamp)
        || signature``; a note key refuses one.
        """
        if self.sig_type == COSIGNATURE_V1:
            if timestamp is None or not 0 <= timestamp < 2**63:
                raise InvalidInputError(f"cosigner {self.name!r} needs a timestamp in [0, 2^63)")
            message = cosignature_message(text, timestamp)
            return timestamp.to_bytes(8, "big") + ed25519.sign(self.seed, message)
        if timestamp is not None:
            raise InvalidInputError(f"key {self.name!r} signs notes, not timestamped cosignatures")
        return ed25519.sign(self.seed, text.encode())

    @property
    def private_key_text(self) -> str:
        """``PRIVATE+KEY+<name>+<hex key ID>+<base64(type || seed)>``: the key file content."""
        material = base64.b64encode(bytes([self.sig_type]) + self.seed).decode()
        return f"{_PRIVATE_PREFIX}{self.name}+{self.key_id.hex()}+{material}"


def generate_signer(name: str, sig_type: int = ED25519) -> Signer:
    """A new random Ed25519 key named ``name``."""
    seed = Ed25519PrivateKey.generate().private_bytes_raw()
    return Signer(name, seed, sig_type)


def parse_vkey(vkey: str) -> Verifier:
    """Decode ``<name>+<hex key ID>+<base64(type || key)>``; the key ID must match."""
    name, material = _split_key_text(vkey, "verifier key")
    return Verifier(name, material[1:], material[0])


def parse_private_key(text: str) -> Signer:
    """Decode the private key file content written by :attr:`Signer.private_key_text`."""
    if not text.startswith(_PRIVATE_PREFIX):
        raise InvalidInputError(f"a private key starts with {_PRIVATE_PREFIX!r}")
    name, material = _split_key_text(text[len(_PRIVATE_PREFIX) :], "private key")
    return Signer(name, material[1:], material[0])


def _split_key_text(text: str, what: str) -> tuple[str, bytes]:
    """Split ``name+hexid+base64`` and check that the key ID matches the key material."""
    parts = text.strip().split("+", 2)  # the base64 part may itself contain '+'
    if len(parts) != 3 or len(parts[1]) != 8:
        raise InvalidInputError(f"{what} must look like <name>+<8 hex digits>+<base64>")
    name, hex_id, encoded = parts
    try:
        material = base64.b64decode(encoded, validate=True)
        claimed = bytes.fromhex(hex_id)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInputError(f"{what} for {name!r} is not valid hex/base64: {exc}") from exc
    if len(material) != 33:
        raise InvalidInputError(f"{what} for {name!r}: expected 1 type byte + 32 key bytes")
    public = material[1:]
    if what == "private key":
        public = ed25519.public_key_from_seed(material[1:])
    if key_id(name, material[0], public) != claimed:
        raise InvalidInputError(f"{what} for {name!r}: key ID {hex_id} does not match the key")
    return name, material


def save_private_key(signer: Signer, path: Path) -> None:
    """Write ``signer`` to a new file at ``path`` with permissions 0600; never overwrite."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise InvalidInputError(f"refusing to overwrite the existing key file {path}") from exc
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(signer.private_key_text + "\n")


def load_private_key(path: Path) -> Signer:
    """Read a key file written by :func:`save_private_key`; refuse one others can read."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise InvalidInputError(
            f"key file {path} has permissions {mode:04o}; run `chmod 600 {path}` first"
        )
    return parse_private_key(path.read_text(encoding="utf-8"))
