"""Signed releases of a site's counts. Written only by
:func:`exhume.publication.releases.do_publish_release`; never changed or deleted."""

from __future__ import annotations

from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy

from exhume import config


class Release(models.Model):
    """A published, signed release of one site's counts (files under ``directory``).

    Its log entry is the ``publish`` entry at ``seq = tree_size - 1`` whose record_id is the
    ``label``; the previous release of the same site is the one a new release proves
    consistency from. The site is a foreign key, so a site whose slug is corrected keeps its
    releases (the label, part of the signed log, keeps the slug it was published under).
    """

    site = models.ForeignKey("casework.Site", on_delete=models.PROTECT, related_name="releases")
    number = models.PositiveIntegerField()
    label = models.CharField(max_length=120, unique=True)
    tree_size = models.BigIntegerField()
    root = models.CharField(max_length=64, help_text=gettext_lazy("Merkle root at tree_size, hex"))
    checkpoint = models.TextField(help_text=gettext_lazy("the signed C2SP checkpoint note"))
    log_key = models.CharField(
        max_length=300, help_text=gettext_lazy("vkey of the key that signed it")
    )
    directory = models.CharField(
        max_length=500, help_text=gettext_lazy("the bundle's folder, relative to EXHUME_DATA_DIR")
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["site", "number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="unique_release_number")
        ]

    def __str__(self) -> str:
        return f"release {self.label} (tree size {self.tree_size})"

    @property
    def path(self) -> Path:
        """The bundle's folder: ``directory`` under the data folder (as configured now)."""
        folder = Path(self.directory)
        return folder if folder.is_absolute() else config.data_dir() / folder
