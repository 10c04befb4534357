"""Choices that the models of more than one app use (Remains, MissingPerson)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy


class Sex(models.TextChoices):
    FEMALE = "female", gettext_lazy("Female")
    MALE = "male", gettext_lazy("Male")
    UNDETERMINED = "undetermined", gettext_lazy("Undetermined")
