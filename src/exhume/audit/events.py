"""Appending audit events. Called only from action functions, inside their transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import rfc8785
from django.db import models, transaction
from django.utils import timezone

from exhume.audit.models import LogEntry, LogHead, Role

COMMITMENT_TAG = b"exhume/record-commitment/v1\x00"


@dataclass(frozen=True)
class Actor:
    """The person or process on whose behalf an action runs."""

    username: str
    role: str

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(name, Role.SYSTEM)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The record's content as JSON-safe values: one key per concrete field, FKs as ids."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        elif value is not None and not isinstance(value, str | int | float | bool | list | dict):
            value = str(value)
        data[field.attname] = value
    return data


def commitment(record: dict[str, Any], salt_hex: str) -> str:
    """SHA-256(tag || salt || RFC 8785 canonical JSON of the record), hex."""
    digest = hashlib.sha256(COMMITMENT_TAG + bytes.fromhex(salt_hex) + rfc8785.dumps(record))
    return digest.hexdigest()


def record_type_of(instance: models.Model) -> str:
    return f"{instance._meta.app_label}.{instance._meta.model_name}"


def append_event(
    instance: models.Model,
    *,
    action: str,
    actor: Actor,
    version: int = 1,
    category: dict[str, Any] | None = None,
    supersedes: LogEntry | None = None,
    reason: str = "",
    authority: str = "",
) -> LogEntry:
    """Append one log entry for ``instance`` in the caller's transaction (must be inside one)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("append_event must run inside the action's transaction")
    head, _ = LogHead.objects.select_for_update().get_or_create(pk=1)
    salt = secrets.token_hex(32)
    entry = LogEntry(
        seq=head.size,
        record_type=record_type_of(instance),
        record_id=str(instance.pk),
        version=version,
        action=action,
        actor=actor.username,
        actor_role=actor.role,
        time=timezone.now(),
        salt=salt,
        commitment=commitment(snapshot(instance), salt),
        category=category,
        supersedes=supersedes,
        reason=reason,
        authority=authority,
    )
    entry.leaf = rfc8785.dumps(leaf_document(entry)).decode()
    entry.save()
    head.size += 1
    head.save(update_fields=["size"])
    return entry


def leaf_document(entry: LogEntry) -> dict[str, Any]:
    """The public JSON document a log leaf commits to (no salt, no record content)."""
    return {
        "seq": entry.seq,
        "record_type": entry.record_type,
        "record_id": entry.record_id,
        "version": entry.version,
        "action": entry.action,
        "actor_role": entry.actor_role,
        "time": entry.time.isoformat().replace("+00:00", "Z"),
        "commitment": entry.commitment,
        "category": entry.category,
        "supersedes": entry.supersedes.seq if entry.supersedes else None,
        "reason": entry.reason or None,
        "authority": entry.authority or None,
    }


def latest_entry(instance: models.Model) -> LogEntry | None:
    """The newest log entry for this record, if any."""
    return (
        LogEntry.objects.filter(record_type=record_type_of(instance), record_id=str(instance.pk))
        .order_by("-seq")
        .first()
    )
