"""The log's signing keys: generated on first use, kept outside the database, rotated on record.

Rules:

* The private key of each log key is a file ``EXHUME_DATA_DIR/keys/log-<key ID>.key`` written
  by :func:`exhume.ledger.save_private_key` (mode 0600, never overwritten) in a folder of mode
  0700. The database holds only the public vkey (:class:`~exhume.audit.models.SigningKey`).
* The key name is the log origin, ``EXHUME_LOG_ORIGIN`` (default ``exhume.local/log``).
* The newest key signs; creating a key appends a ``create`` entry of record type
  ``audit.signingkey`` committing to its vkey, so the log records every key that ever signed
  it. Rotation adds a new key and keeps the old one (file and row) to verify old releases.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exhume import config
from exhume.audit.events import Actor, lock_head
from exhume.audit.models import SigningKey
from exhume.audit.writes import create
from exhume.errors import ConfigurationError, ExhumeError, VerificationError
from exhume.ledger import (
    Signer,
    generate_signer,
    load_private_key,
    save_private_key,
)
from exhume.ledger.keys import check_key_name


def log_origin() -> str:
    """The checkpoint origin and key name (:func:`exhume.config.log_origin`), checked."""
    origin = config.log_origin()
    try:
        check_key_name(origin)
    except ExhumeError as exc:
        raise ConfigurationError(f"EXHUME_LOG_ORIGIN={origin!r}: {exc.message}") from None
    return origin


def keys_dir() -> Path:
    """``EXHUME_DATA_DIR/keys``, created with mode 0700."""
    path = config.data_dir() / "keys"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def key_path(key: SigningKey) -> Path:
    """Where the private key of ``key`` lives."""
    return keys_dir() / f"log-{key.key_id}.key"


def pending_path(key: SigningKey) -> Path:
    """Where a new key's private key waits until the transaction logging it commits."""
    return keys_dir() / f"log-{key.key_id}.key.pending"


def current_key() -> SigningKey | None:
    """The key that signs new checkpoints (the newest), or None before first use."""
    return SigningKey.objects.order_by("-id").first()


def signer_for(key: SigningKey) -> Signer:
    """Load the private key of ``key``; ConfigurationError says where it was expected."""
    path = key_path(key)
    if not path.is_file() and pending_path(key).is_file():
        # its row is visible, so the transaction that logged it committed: finish the move
        # that a crash interrupted
        os.replace(pending_path(key), path)
    if not path.is_file():
        raise ConfigurationError(
            f"the private key of log key {key.vkey} is not at {path}; restore it from the "
            "offline backup or point EXHUME_DATA_DIR at the folder that holds it"
        )
    signer = load_private_key(path)
    if signer.verifier.vkey != key.vkey:
        raise VerificationError(
            _("%(path)s holds %(vkey)s, not the log key %(vkey2)s")
            % {"path": path, "vkey": signer.verifier.vkey, "vkey2": key.vkey}
        )
    return signer


def current_signer(actor: Actor) -> tuple[SigningKey, Signer]:
    """The signing key and its private key, generating the first one on first use (in its own
    transaction: call this before opening the transaction that signs)."""
    key = current_key()
    if key is None:
        key = do_create_log_key(actor)
    return key, signer_for(key)


def do_create_log_key(actor: Actor) -> SigningKey:
    """Generate a log key and log its vkey in one durable transaction; its private key file is
    written under a pending name and moved into place only once that transaction committed.

    A crash before the commit leaves a pending file and no row: it blocks nothing (key IDs are
    random) and the next key creation removes it. A crash after the commit leaves the row and
    the pending file: :func:`signer_for` finishes the move.
    """
    signer = generate_signer(log_origin())
    verifier = signer.verifier
    key = SigningKey(name=verifier.name, key_id=verifier.key_id.hex(), vkey=verifier.vkey)
    fields = {"name": key.name, "key_id": key.key_id, "vkey": key.vkey}
    pending = pending_path(key)
    with transaction.atomic(durable=True):
        lock_head()  # a key creation in flight elsewhere has committed or rolled back
        _remove_abandoned_keys()
        save_private_key(signer, pending)
        try:
            created = create(SigningKey, actor, {**fields, "created_at": timezone.now()})
        except BaseException:
            pending.unlink(missing_ok=True)  # never logged, never used
            raise
    os.replace(pending, key_path(key))
    return created


def _remove_abandoned_keys() -> None:
    """Pending key files whose key was never logged (their transaction died): never used."""
    logged = set(SigningKey.objects.values_list("key_id", flat=True))
    for path in keys_dir().glob("log-*.key.pending"):
        if path.name.removeprefix("log-").split(".")[0] not in logged:
            path.unlink(missing_ok=True)


def do_rotate_log_key(actor: Actor) -> tuple[SigningKey | None, SigningKey]:
    """Start signing with a new key; the old one stays to verify old releases.

    Returns (old key or None, new key). The next release of each site is signed by both the
    new key and the key of that site's previous release, so a verifier that trusts the old
    key (``--previous``) is handed over to the new one.
    """
    old = current_key()
    return old, do_create_log_key(actor)


def key_of(vkey: str) -> SigningKey:
    """The key row whose public key is ``vkey`` (one that signed a release)."""
    return SigningKey.objects.get(vkey=vkey)
