"""A missing-person report as a family sends it through the public form, before and after
family liaison has checked it. Personal data: family liaison and the administrator only.

The status link's token is never stored: only its SHA-256 (:mod:`exhume.portal.tokens`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy

from exhume.core.choices import Sex
from exhume.families.models import MissingPerson


class ReportState(models.TextChoices):
    RECEIVED = "received", gettext_lazy("Received, waiting for family liaison")
    VERIFIED = "verified", gettext_lazy("Checked by family liaison")
    REJECTED = "rejected", gettext_lazy("Not accepted")


class FamilyReport(models.Model):
    """One report from the public form: who reports, whom, and what became of it."""

    reference = models.CharField(max_length=16, unique=True)
    token_sha256 = models.CharField(max_length=64, unique=True)
    link_revoked_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()
    language = models.CharField(max_length=8)
    state = models.CharField(max_length=16, choices=ReportState.choices)
    reporter_name = models.CharField(max_length=200)
    reporter_contact = models.CharField(max_length=300)
    relationship = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=150)
    given_name = models.CharField(max_length=150, blank=True)
    patronymic = models.CharField(max_length=150, blank=True)
    sex = models.CharField(max_length=16, choices=Sex.choices, default=Sex.UNDETERMINED)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    last_seen_on = models.DateField(null=True, blank=True)
    last_seen_place = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True, max_length=4000)
    missing_person = models.ForeignKey(
        MissingPerson, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_by = models.CharField(max_length=150, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.reference
