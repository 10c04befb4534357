"""Ed25519 signing and *strict* verification (RFC 8032) on top of pyca/cryptography (OpenSSL).

Verification policy ("strict, cofactorless"), checked against every C2SP/CCTV edge-case vector:

* The public key A must be a canonical encoding (y < p, and no "negative zero" x) of a point on
  the curve that is **not of small order** ([8]A != identity). Checked here in pure Python,
  because OpenSSL accepts non-canonical and low-order keys (CCTV flags ``non_canonical_A``,
  ``low_order_A``): a low-order key "verifies" forged signatures on many messages, and no honest
  key generator produces one. Keys with a low-order *component* but a prime-order part
  (``low_order_component_A`` alone) are not rejected, as in every common verifier.
* The signature is then checked by OpenSSL, which applies the cofactorless equation
  [S]B = R + [k]A, requires S < L and compares R byte for byte with the re-encoded point, so it
  rejects ``non_canonical_R`` and ``low_order_residue`` vectors and accepts the rest.

Measured with pyca/cryptography (OpenSSL 3.x/4.x) on the 914 CCTV vectors: OpenSSL alone accepts
208 and rejects 706, rejecting exactly the vectors flagged ``non_canonical_R`` (316) or
``low_order_residue`` (583) and accepting every other one, including 122 ``low_order_A`` and 36
``non_canonical_A`` vectors. With the key checks above, we accept a vector if and only if none of
the flags ``low_order_A``, ``non_canonical_A``, ``non_canonical_R``, ``low_order_residue`` is
set.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from exhume.errors import InvalidInputError

PUBLIC_KEY_SIZE = 32
SIGNATURE_SIZE = 64

_P = 2**255 - 19
_D = (-121665 * pow(121666, -1, _P)) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
_Point = tuple[int, int]
_IDENTITY: _Point = (0, 1)


def public_key_problem(public_key: bytes) -> str | None:
    """Why ``public_key`` is not an acceptable Ed25519 key, or None when it is.

    Rule (RFC 8032 5.1.3 decoding, plus a small-order check): 32 bytes; y < p; x recoverable
    from y; not x = 0 with the sign bit set; [8]A is not the identity.
    """
    if len(public_key) != PUBLIC_KEY_SIZE:
        return f"an Ed25519 public key has 32 bytes, this one has {len(public_key)}"
    point = _decode_point(public_key)
    if isinstance(point, str):
        return point
    if _multiply_by_8(point) == _IDENTITY:
        return "the public key is a point of small order (it would verify forged signatures)"
    return None


def check_public_key(public_key: bytes) -> None:
    """Raise :class:`InvalidInputError` when ``public_key`` fails :func:`public_key_problem`."""
    problem = public_key_problem(public_key)
    if problem is not None:
        raise InvalidInputError(f"unacceptable Ed25519 public key {public_key.hex()}: {problem}")


def verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Strict Ed25519 verification: True only for a valid signature under an acceptable key."""
    if len(signature) != SIGNATURE_SIZE or public_key_problem(public_key) is not None:
        return False
    key = Ed25519PublicKey.from_public_bytes(public_key)
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def sign(seed: bytes, message: bytes) -> bytes:
    """Deterministic RFC 8032 signature (64 bytes) of ``message`` by the 32-byte secret ``seed``."""
    return Ed25519PrivateKey.from_private_bytes(seed).sign(message)


def public_key_from_seed(seed: bytes) -> bytes:
    """The 32-byte encoded public key A of a 32-byte secret seed."""
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    return public.public_bytes_raw()


def _decode_point(encoded: bytes) -> _Point | str:
    """RFC 8032 5.1.3 point decoding that reports non-canonical encodings instead of fixing them."""
    y = int.from_bytes(encoded, "little") & ((1 << 255) - 1)
    sign = encoded[31] >> 7
    if y >= _P:
        return "the public key is not canonically encoded (y >= p)"
    u, v = (y * y - 1) % _P, (_D * y * y + 1) % _P
    x2 = u * pow(v, -1, _P) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return "the public key is not a point on the curve"
    if x == 0 and sign == 1:
        return "the public key is not canonically encoded (x = 0 with the sign bit set)"
    if x % 2 != sign:
        x = _P - x
    return (x, y)


def _add(a: _Point, b: _Point) -> _Point:
    """Complete twisted Edwards addition for -x^2 + y^2 = 1 + d x^2 y^2 (affine coordinates)."""
    (x1, y1), (x2, y2) = a, b
    t = _D * x1 * x2 * y1 * y2 % _P
    x3 = (x1 * y2 + y1 * x2) * pow(1 + t, -1, _P) % _P
    y3 = (y1 * y2 + x1 * x2) * pow(1 - t, -1, _P) % _P
    return (x3, y3)


def _multiply_by_8(point: _Point) -> _Point:
    for _ in range(3):
        point = _add(point, point)
    return point
