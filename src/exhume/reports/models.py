"""A report that was produced: which site, which kind, the file's name, size and SHA-256.

The PDF itself is handed to whoever asked for it; the record, and its entry in the
tamper-evident log, let anyone later check that a printed or mailed copy is the one produced.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class Report(models.Model):
    """One produced report file."""

    class Kind(models.TextChoices):
        SITE = "site", "Site report"
        IDENTIFICATION = "identification", "Identification report"

    site = models.ForeignKey("casework.Site", on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the file's bytes (hex)")
    size_bytes = models.PositiveIntegerField()
    produced_at = models.DateTimeField(default=timezone.now)
    record = models.CharField(
        max_length=100,
        null=True,
        blank=True,
        help_text="the record reported on, TYPE:ID (identification.proposal:17)",
    )
    version = models.PositiveIntegerField(default=1)

    #: added after reports were logged: committed only once set (audit.events.logged_when_set)
    logged_when_set: ClassVar[frozenset[str]] = frozenset({"record"})

    class Meta:
        ordering = ["-produced_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename} ({self.sha256[:12]})"
