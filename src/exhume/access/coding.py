"""Coded ids for blind work: the DNA laboratory sees remains under a code, never a case number.

A code is a keyed hash (HMAC-SHA256 with the project's secret key) of the record type and id,
so the same record always has the same code, and no one without the key can turn a code back
into a case number or a grave.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def code_for(record_type: str, record_id: object) -> str:
    """``X-`` and 10 upper-case hex digits, stable for one record under one secret key."""
    message = f"{record_type}:{record_id}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return f"X-{digest[:10].upper()}"
