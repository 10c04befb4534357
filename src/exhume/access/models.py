"""The access log and per-record restrictions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessEntry(models.Model):
    """One view of sensitive data: who, with which role, what, when, from which page.

    Written only by :func:`exhume.access.actions.do_record_access`; never changed or deleted.
    """

    username = models.CharField(_("user"), max_length=150, db_index=True)
    role = models.CharField(_("role"), max_length=16, blank=True)
    data = models.CharField(_("kind of data"), max_length=32)
    record = models.CharField(
        _("record"), max_length=200, db_index=True, help_text=_("type:id of the record viewed")
    )
    page = models.CharField(_("page"), max_length=500)
    time = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("access entry")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        return f"{self.username} {self.data} {self.record} {self.time:%Y-%m-%d %H:%M}"


class Restriction(models.Model):
    """A single record restricted further: only the named people see it (a sensitive case).

    Written by :func:`exhume.access.actions.do_restrict_record` (logged like every write).
    """

    record_type = models.CharField(_("record type"), max_length=64)
    record_id = models.CharField(_("record id"), max_length=64)
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("people who may see it")
    )
    reason = models.TextField(_("reason"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["record_type", "record_id"]
        verbose_name = _("restricted record")
        verbose_name_plural = _("restricted records")
        constraints = [
            models.UniqueConstraint(fields=["record_type", "record_id"], name="unique_restriction")
        ]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id}"
