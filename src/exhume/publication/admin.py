"""Releases in the admin: read-only (made by `exhume release`)."""

from __future__ import annotations

from django.contrib import admin

from exhume.audit.admin import ReadOnlyAdmin
from exhume.publication.models import Release


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdmin):
    list_display = ("label", "site", "number", "tree_size", "created_at")
    list_filter = ("site",)
    ordering = ("-created_at",)
