"""Reads of the audit log for the pages of other apps (they never query its models directly)."""

from __future__ import annotations

from django.db.models import Model, QuerySet

from exhume.audit.events import record_type_of
from exhume.audit.models import LogEntry


def history(record: Model) -> QuerySet[LogEntry]:
    """Every log entry of ``record`` (its versions), oldest first."""
    return LogEntry.objects.filter(record_type=record_type_of(record), record_id=str(record.pk))
