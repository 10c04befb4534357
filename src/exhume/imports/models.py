"""One import of a table file: which kind, which site, which file (name and SHA-256), and
how many records it created, corrected or found unchanged."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """An imported file; its log entry names the file's SHA-256."""

    kind = models.CharField(max_length=32)
    site = models.ForeignKey(
        "casework.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="imports"
    )
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, help_text=_("SHA-256 of the file's bytes (hex)"))
    rows = models.PositiveIntegerField()
    created = models.PositiveIntegerField()
    corrected = models.PositiveIntegerField()
    unchanged = models.PositiveIntegerField()
    imported_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.sha256[:12]})"
