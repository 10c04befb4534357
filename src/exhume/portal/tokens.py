"""Reference numbers and status-link tokens.

A reference number (``ZV-7K3M-9QXD``) names a report in a telephone call; it opens nothing. The
status link carries a 256-bit random token (``secrets.token_urlsafe(32)``); only its SHA-256 is
stored, so a copy of the database opens no family's status page.
"""

from __future__ import annotations

import hashlib
import secrets

#: letters and digits that are not confused when read aloud or copied by hand
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """``ZV-XXXX-XXXX`` (40 random bits)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"ZV-{chars[:4]}-{chars[4:]}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
