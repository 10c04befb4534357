"""C2SP signed notes: a text signed by one or more named keys.

Format (c2sp.org/signed-note, as implemented by golang.org/x/mod/sumdb/note)::

    <text, ending in a newline>
    <blank line>
    — <key name> <base64(4-byte key ID || signature)>
    ...

* The whole note is valid UTF-8 with no control characters other than newline.
* The text ends in a newline and is separated from the signatures by the *last* blank line.
* Each signature line is em dash (U+2014), space, key name, space, base64, newline; the decoded
  signature has a 4-byte key ID and at least one byte of signature. At most
  :data:`MAX_SIGNATURES` signature lines (the spec requires accepting at least 16).
* Verification: a signature whose (name, key ID) matches no known key is ignored (reported as
  unknown); a signature from a known key must verify, otherwise the whole note is rejected
  naming that key; at least one known key must have signed.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from exhume.errors import InvalidInputError, VerificationError
from exhume.ledger.keys import COSIGNATURE_V1, Signer, Verifier, check_key_name

EM_DASH = "\u2014"
MAX_SIGNATURES = 100


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: key name, 4-byte key ID and the signature bytes after the ID."""

    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        """``— <name> <base64(key ID || signature)>\\n``."""
        encoded = base64.b64encode(self.key_id + self.signature).decode()
        return f"{EM_DASH} {self.name} {encoded}\n"

    def describe(self) -> str:
        """``name (key ID 1a2b3c4d)``, for messages."""
        return f"{self.name} (key ID {self.key_id.hex()})"


@dataclass(frozen=True)
class Note:
    """A parsed signed note."""

    text: str
    signatures: tuple[NoteSignature, ...]

    def encode(self) -> str:
        """The note in its wire form: text, blank line, signature lines."""
        return self.text + "\n" + "".join(s.line() for s in self.signatures)


@dataclass(frozen=True)
class VerifiedNote:
    """The outcome of :func:`verify_note`: the text, who verifiably signed it, and the rest."""

    text: str
    verified: tuple[NoteSignature, ...]
    unknown: tuple[NoteSignature, ...]

    def signed_by(self, verifier: Verifier) -> NoteSignature | None:
        """The verified signature made by ``verifier``, if any."""
        for signature in self.verified:
            if (signature.name, signature.key_id) == (verifier.name, verifier.key_id):
                return signature
        return None


def check_note_text(text: str) -> None:
    """Raise InvalidInputError unless ``text`` can be the text of a note."""
    if not text.endswith("\n"):
        raise InvalidInputError("note text must end with a newline")
    _check_characters(text)


def _check_characters(text: str) -> None:
    for line_no, line in enumerate(text.split("\n"), start=1):
        for char in line:
            if ord(char) < 0x20:
                raise InvalidInputError(
                    f"note line {line_no} contains control character U+{ord(char):04X}"
                )


def parse_note(data: str | bytes) -> Note:
    """Parse a signed note, checking the format rules in the module docstring."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInputError(f"signed note is not valid UTF-8: {exc}") from exc
    _check_characters(data)
    split = data.rfind("\n\n")
    if split < 0:
        raise InvalidInputError("signed note has no blank line between text and signatures")
    text, block = data[: split + 1], data[split + 2 :]
    if not block.endswith("\n"):
        raise InvalidInputError("signed note must end with a signature line and a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise InvalidInputError(
            f"signed note has {len(lines)} signatures; at most {MAX_SIGNATURES}"
        )
    return Note(text, tuple(_parse_signature_line(line, n) for n, line in enumerate(lines, 1)))


def _parse_signature_line(line: str, number: int) -> NoteSignature:
    prefix = f"{EM_DASH} "
    fields = line[len(prefix) :].split(" ")
    if not line.startswith(prefix) or len(fields) != 2:
        raise InvalidInputError(
            f"signature line {number} must be '— <key name> <base64 signature>': {line!r}"
        )
    name, encoded = fields
    check_key_name(name)
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise InvalidInputError(f"signature line {number} ({name}): bad base64: {exc}") from exc
    if len(raw) < 5:
        raise InvalidInputError(f"signature line {number} ({name}): signature is too short")
    return NoteSignature(name, raw[:4], raw[4:])


def sign_note(text: str, signers: Sequence[Signer], *, timestamp: int | None = None) -> str:
    """Sign ``text`` with every signer and return the note.

    ``timestamp`` (POSIX seconds) is used by cosignature/v1 signers only.
    """
    check_note_text(text)
    return _with_signatures(Note(text, ()), signers, timestamp)


def add_signatures(note: str, signers: Sequence[Signer], *, timestamp: int | None = None) -> str:
    """Append signatures to an existing note.

    A signer whose key already signed the note replaces its old signature line. Nothing is
    verified here: a witness must check the existing signatures itself before cosigning.
    """
    return _with_signatures(parse_note(note), signers, timestamp)


def _with_signatures(note: Note, signers: Sequence[Signer], timestamp: int | None) -> str:
    sigs = list(note.signatures)
    for signer in signers:
        sigs = [s for s in sigs if (s.name, s.key_id) != (signer.name, signer.key_id)]
        stamp = timestamp if signer.sig_type == COSIGNATURE_V1 else None
        signature = signer.sign(note.text, timestamp=stamp)
        sigs.append(NoteSignature(signer.name, signer.key_id, signature))
    if not sigs:
        raise InvalidInputError("a signed note needs at least one signer")
    if len(sigs) > MAX_SIGNATURES:
        raise InvalidInputError(f"a note may carry at most {MAX_SIGNATURES} signatures")
    return Note(note.text, tuple(sigs)).encode()


def verify_note(note: str | bytes, verifiers: Sequence[Verifier]) -> VerifiedNote:
    """Verify a note against known keys (rules in the module docstring).

    Raises VerificationError naming the key whose signature fails, or listing who signed when no
    known key did; InvalidInputError when the note is malformed.
    """
    parsed = parse_note(note)
    known = _index_verifiers(verifiers)
    verified: list[NoteSignature] = []
    unknown: list[NoteSignature] = []
    for signature in parsed.signatures:
        verifier = known.get((signature.name, signature.key_id))
        if verifier is None:
            unknown.append(signature)
        elif verifier.verify(parsed.text, signature.signature):
            verified.append(signature)
        else:
            raise VerificationError(f"signature by {signature.describe()} does not verify")
    if not verified:
        present = ", ".join(s.describe() for s in parsed.signatures)
        wanted = ", ".join(f"{v.name} (key ID {v.key_id.hex()})" for v in verifiers) or "none"
        raise VerificationError(
            f"note has no signature from a known key: signed by {present}; known keys: {wanted}"
        )
    return VerifiedNote(parsed.text, tuple(verified), tuple(unknown))


def _index_verifiers(verifiers: Sequence[Verifier]) -> dict[tuple[str, bytes], Verifier]:
    index: dict[tuple[str, bytes], Verifier] = {}
    for verifier in verifiers:
        slot = (verifier.name, verifier.key_id)
        if slot in index and index[slot] != verifier:
            raise InvalidInputError(
                f"two different keys share name {verifier.name!r} and key ID "
                f"{verifier.key_id.hex()}; remove one"
            )
        index[slot] = verifier
    return index
