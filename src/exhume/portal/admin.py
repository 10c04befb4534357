"""Family reports in the admin: read-only (written by the portal and family liaison's page)."""

from __future__ import annotations

from django.contrib import admin

from exhume.audit.admin import ReadOnlyAdmin
from exhume.portal.models import FamilyReport


@admin.register(FamilyReport)
class FamilyReportAdmin(ReadOnlyAdmin):
    list_display = ("reference", "received_at", "state", "family_name", "checked_by")
    list_filter = ("state",)
    search_fields = ("reference", "family_name")
    exclude = ("token_sha256",)
