"""Missing persons as their families report them. Personal data: staff with the right role only."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy

from exhume.core.choices import Sex


class MissingPerson(models.Model):
    """A person reported missing, with names in Cyrillic and Latin script."""

    family_name = models.CharField(
        max_length=150, help_text=gettext_lazy("Cyrillic, as the family writes it")
    )
    given_name = models.CharField(max_length=150, blank=True)
    patronymic = models.CharField(max_length=150, blank=True)
    name_latin = models.CharField(
        max_length=300, blank=True, help_text=gettext_lazy("Latin transliteration")
    )
    sex = models.CharField(max_length=16, choices=Sex.choices, default=Sex.UNDETERMINED)
    birth_date = models.DateField(null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    last_seen_on = models.DateField(null=True, blank=True)
    last_seen_place = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    distinguishing_marks = models.TextField(blank=True)
    external_reference = models.CharField(
        max_length=100,
        blank=True,
        help_text=gettext_lazy("id in another system (e.g. a dvi-json missing id)"),
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return " ".join(p for p in (self.family_name, self.given_name, self.patronymic) if p)
