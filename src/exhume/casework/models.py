"""Sites, graves, the burial journal and remains, named as the field names them.

Models hold data and its choices only. Rules about which combinations are valid live in
:mod:`exhume.casework.rules`; every write goes through :mod:`exhume.casework.actions`.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from exhume.core.choices import Sex


class Site(models.Model):
    """A place where the dead were buried and exhumed (a forest cemetery, a yard, a pit)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    place = models.CharField(max_length=200, help_text="settlement, district, region, country")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    part_of = models.CharField(
        max_length=200, blank=True, help_text="the operation or war the site is part of"
    )
    discovered_on = models.DateField(null=True, blank=True)
    exhumation_started_on = models.DateField(null=True, blank=True)
    exhumation_ended_on = models.DateField(null=True, blank=True)
    perpetrators = models.CharField(max_length=200, blank=True)
    crime_type = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    is_synthetic = models.BooleanField(
        default=False, help_text="generated demonstration data, not a real case"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GraveKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    COLLECTIVE = "collective", "Collective"


class Grave(models.Model):
    """A grave as marked on site: usually a wooden cross bearing only a number."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="graves")
    grave_number = models.CharField(max_length=50, help_text="as written on the cross")
    kind = models.CharField(max_length=16, choices=GraveKind.choices, default=GraveKind.INDIVIDUAL)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    inscription = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    #: names under which the audit log committed renamed fields (audit.events.logged_names)
    logged_as: ClassVar[dict[str, str]] = {
        "grave_number": "marker_label",
        "inscription": "marker_inscription",
    }

    class Meta:
        ordering = ["site", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "grave_number"], name="unique_grave_number")
        ]

    def __str__(self) -> str:
        return f"{self.site.slug} grave {self.grave_number}"


class BurialJournalEntry(models.Model):
    """One line of the burial journal kept by the funeral home: grave number and name."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="journal_entries")
    grave_number = models.CharField(max_length=50)
    name_as_written = models.CharField(max_length=300, help_text="exactly as written (Cyrillic)")
    burial_date = models.DateField(null=True, blank=True)
    page = models.PositiveIntegerField(null=True, blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)
    grave = models.ForeignKey(
        Grave,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="journal_entries",
        help_text="the grave bearing this number, when one was found",
    )
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    #: names under which the audit log committed renamed fields (audit.events.logged_names)
    logged_as: ClassVar[dict[str, str]] = {"grave_number": "marker_number"}

    class Meta:
        ordering = ["site", "page", "line", "id"]
        verbose_name_plural = "burial journal entries"

    def __str__(self) -> str:
        return f"journal p.{self.page} l.{self.line}: grave {self.grave_number}"


class RemainsKind(models.TextChoices):
    BODY = "body", "Complete body"
    BODY_PART = "body_part", "Body part"


class AgeClass(models.TextChoices):
    ADULT = "adult", "Adult"
    CHILD = "child", "Child"
    UNDETERMINED = "undetermined", "Undetermined"


class Status(models.TextChoices):
    CIVILIAN = "civilian", "Civilian"
    SERVICEMAN = "serviceman", "Serviceman"
    UNDETERMINED = "undetermined", "Undetermined"


class CauseOfDeath(models.TextChoices):
    GUNSHOT = "gunshot", "Gunshot"
    SHELLING = "shelling", "Shelling or shrapnel"
    AIRSTRIKE = "airstrike", "Airstrike or blast"
    BLUNT_FORCE = "blunt_force", "Blunt force"
    STRANGULATION = "strangulation", "Strangulation"
    STABBING = "stabbing", "Stabbing"
    LACK_OF_CARE = "lack_of_medical_care", "Lack of medical care"
    NATURAL = "natural", "Natural"
    UNDETERMINED = "undetermined", "Undetermined"


class ViolentDeath(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNDETERMINED = "undetermined", "Undetermined"


class TortureIndicator(models.TextChoices):
    BOUND_HANDS = "bound_hands", "Bound hands"
    LIGATURE = "ligature_neck", "Ligature around the neck"
    BROKEN_LIMBS = "broken_limbs", "Broken limbs"
    AMPUTATION = "amputation", "Amputation"
    GENITAL_MUTILATION = "genital_mutilation", "Genital mutilation"
    BURNS = "burns", "Burns"
    OTHER = "other", "Other"


class Remains(models.Model):
    """One exhumed body or body part, with what the morgue determined about it."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="remains")
    case_number = models.CharField(max_length=50, help_text="unique within the site")
    grave = models.ForeignKey(
        Grave, null=True, blank=True, on_delete=models.PROTECT, related_name="remains"
    )
    exhumed_on = models.DateField()
    kind = models.CharField(max_length=16, choices=RemainsKind.choices, default=RemainsKind.BODY)
    body = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
        help_text="for a body part: the body it has been tied to",
    )
    sex = models.CharField(max_length=16, choices=Sex.choices, default=Sex.UNDETERMINED)
    age_class = models.CharField(
        max_length=16, choices=AgeClass.choices, default=AgeClass.UNDETERMINED
    )
    age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UNDETERMINED)
    cause_of_death = models.CharField(
        max_length=32, choices=CauseOfDeath.choices, default=CauseOfDeath.UNDETERMINED
    )
    violent_death = models.CharField(
        max_length=16, choices=ViolentDeath.choices, default=ViolentDeath.UNDETERMINED
    )
    torture_indicators = models.JSONField(default=list, blank=True)
    condition = models.CharField(max_length=200, blank=True)
    personal_effects = models.TextField(blank=True)
    distinguishing_marks = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    identified_on = models.DateField(
        null=True,
        blank=True,
        help_text="when the identification board confirmed who this is (set only by the board's "
        "actions; the name is never here)",
    )
    version = models.PositiveIntegerField(default=1)

    #: names under which the audit log committed renamed fields (audit.events.logged_names)
    logged_as: ClassVar[dict[str, str]] = {"body_id": "part_of_id"}
    #: added after records were logged: committed only once set (audit.events.logged_when_set)
    logged_when_set: ClassVar[frozenset[str]] = frozenset({"identified_on"})

    class Meta:
        ordering = ["site", "exhumed_on", "id"]
        verbose_name_plural = "remains"
        constraints = [
            models.UniqueConstraint(fields=["site", "case_number"], name="unique_case_number")
        ]

    def __str__(self) -> str:
        return f"{self.site.slug} {self.case_number}"
