"""Choices that the models of more than one app use (Remains, MissingPerson)."""

from __future__ import annotations

from django.db import models


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    UNDETERMINED = "undetermined", "Undetermined"
