"""The audit log and the log keys in the admin: read-only. Entries are appended by actions and
never changed; keys are made by `exhume keys` (releases: :mod:`exhume.publication.admin`).

The private ``salt`` of each commitment is not shown: it leaves the database only in a
deliberate disclosure.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from exhume.audit.models import LogEntry, SigningKey

LOG_FIELDS = (
    "seq",
    "time",
    "action",
    "record_type",
    "record_id",
    "version",
    "actor",
    "actor_role",
    "reason",
    "authority",
    "supersedes",
    "category",
    "commitment",
    "leaf",
)


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    fields = LOG_FIELDS
    readonly_fields = LOG_FIELDS
    list_display = ("seq", "time", "action", "record_type", "record_id", "version", "actor_role")
    list_filter = ("action", "record_type", "actor_role")
    search_fields = ("record_id", "actor", "commitment")
    ordering = ("-seq",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shown, never added, changed or deleted from the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    list_display = ("key_id", "name", "created_at")
    ordering = ("-id",)
