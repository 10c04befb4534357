"""Sites, graves, the burial journal and remains, named as the field names them.

Models hold data and its choices only. Rules about which combinations are valid live in
:mod:`exhume.casework.rules`; every write goes through :mod:`exhume.casework.actions`.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from exhume.core.choices import Sex


class Site(models.Model):
    """A place where the dead were buried and exhumed (a forest cemetery, a yard, a pit)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    place = models.CharField(
        max_length=200, help_text=gettext_lazy("settlement, district, region, country")
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    part_of = models.CharField(
        max_length=200,
        blank=True,
        help_text=gettext_lazy("the operation or war the site is part of"),
    )
    discovered_on = models.DateField(null=True, blank=True)
    exhumation_started_on = models.DateField(null=True, blank=True)
    exhumation_ended_on = models.DateField(null=True, blank=True)
    perpetrators = models.CharField(max_length=200, blank=True)
    crime_type = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    is_synthetic = models.BooleanField(
        default=False, help_text=gettext_lazy("generated demonstration data, not a real case")
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GraveKind(models.TextChoices):
    INDIVIDUAL = "individual", gettext_lazy("Individual")
    COLLECTIVE = "collective", gettext_lazy("Collective")


class Grave(models.Model):
    """A grave as marked on site: usually a wooden cross bearing only a number."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="graves")
    grave_number = models.CharField(
        max_length=50, help_text=gettext_lazy("as written on the cross")
    )
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
    name_as_written = models.CharField(
        max_length=300, help_text=gettext_lazy("exactly as written (Cyrillic)")
    )
    burial_date = models.DateField(null=True, blank=True)
    page = models.PositiveIntegerField(null=True, blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)
    grave = models.ForeignKey(
        Grave,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="journal_entries",
        help_text=gettext_lazy("the grave bearing this number, when one was found"),
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
    BODY = "body", gettext_lazy("Complete body")
    BODY_PART = "body_part", gettext_lazy("Body part")


class AgeClass(models.TextChoices):
    ADULT = "adult", gettext_lazy("Adult")
    CHILD = "child", gettext_lazy("Child")
    UNDETERMINED = "undetermined", gettext_lazy("Undetermined")


class Status(models.TextChoices):
    CIVILIAN = "civilian", gettext_lazy("Civilian")
    SERVICEMAN = "serviceman", gettext_lazy("Serviceman")
    UNDETERMINED = "undetermined", gettext_lazy("Undetermined")


class CauseOfDeath(models.TextChoices):
    GUNSHOT = "gunshot", gettext_lazy("Gunshot")
    SHELLING = "shelling", gettext_lazy("Shelling or shrapnel")
    AIRSTRIKE = "airstrike", gettext_lazy("Airstrike or blast")
    BLUNT_FORCE = "blunt_force", gettext_lazy("Blunt force")
    STRANGULATION = "strangulation", gettext_lazy("Strangulation")
    STABBING = "stabbing", gettext_lazy("Stabbing")
    LACK_OF_CARE = "lack_of_medical_care", gettext_lazy("Lack of medical care")
    NATURAL = "natural", gettext_lazy("Natural")
    UNDETERMINED = "undetermined", gettext_lazy("Undetermined")


class ViolentDeath(models.TextChoices):
    YES = "yes", gettext_lazy("Yes")
    NO = "no", gettext_lazy("No")
    UNDETERMINED = "undetermined", gettext_lazy("Undetermined")


class TortureIndicator(models.TextChoices):
    BOUND_HANDS = "bound_hands", gettext_lazy("Bound hands")
    LIGATURE = "ligature_neck", gettext_lazy("Ligature around the neck")
    BROKEN_LIMBS = "broken_limbs", gettext_lazy("Broken limbs")
    AMPUTATION = "amputation", gettext_lazy("Amputation")
    GENITAL_MUTILATION = "genital_mutilation", gettext_lazy("Genital mutilation")
    BURNS = "burns", gettext_lazy("Burns")
    OTHER = "other", gettext_lazy("Other")


class Remains(models.Model):
    """One exhumed body or body part, with what the morgue determined about it."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="remains")
    case_number = models.CharField(max_length=50, help_text=gettext_lazy("unique within the site"))
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
        help_text=gettext_lazy("for a body part: the body it has been tied to"),
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
        help_text=gettext_lazy(
            "when the identification board confirmed who this is (set "
            "only by the board's actions; the name is never here)"
        ),
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


class SiteText(models.Model):
    """A site's own prose in one more language (name, place, description ...).

    The :class:`Site` row holds the text as first entered; a reader whose language has a
    ``SiteText`` sees that instead, field by field (an empty field falls back to the site's).
    A separate record, so that adding a language never changes a site's committed content.
    Written by ``do_translate_site`` / ``do_correct_site_text``.
    """

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="texts")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    name = models.CharField(_("name"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    part_of = models.CharField(_("part of"), max_length=200, blank=True)
    perpetrators = models.CharField(_("perpetrators"), max_length=200, blank=True)
    crime_type = models.CharField(_("type of crime"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["site", "language"]
        verbose_name = _("site text in another language")
        verbose_name_plural = _("site texts in other languages")
        constraints = [
            models.UniqueConstraint(fields=["site", "language"], name="unique_site_language")
        ]

    def __str__(self) -> str:
        return f"{self.site.slug} ({self.language})"


class PhotoSubject(models.TextChoices):
    GRAVE = "grave", gettext_lazy("Grave")
    REMAINS = "remains", gettext_lazy("Remains")
    EFFECTS = "effects", gettext_lazy("Personal effects")
    DOCUMENT = "document", gettext_lazy("Document")


#: what a photo of each kind of record may show
GRAVE_SUBJECTS = (PhotoSubject.GRAVE, PhotoSubject.DOCUMENT)
REMAINS_SUBJECTS = (PhotoSubject.REMAINS, PhotoSubject.EFFECTS, PhotoSubject.DOCUMENT)


class Photo(models.Model):
    """A photo of a grave, of remains, of personal effects or of a document found with them.

    The file is stored by the SHA-256 of its bytes (:mod:`exhume.casework.photos`); the record
    holds that hash, which its log entry names. A photo belongs to exactly one grave or one
    remains record and is seen by the roles that see that record. A photo of personal effects
    may be shown to family liaison (``shown_to_liaison``), who show it to families.
    """

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="photos")
    grave = models.ForeignKey(
        Grave, null=True, blank=True, on_delete=models.PROTECT, related_name="photos"
    )
    remains = models.ForeignKey(
        Remains, null=True, blank=True, on_delete=models.PROTECT, related_name="photos"
    )
    subject = models.CharField(max_length=16, choices=PhotoSubject.choices)
    caption = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, help_text=gettext_lazy("SHA-256 of the original"))
    media_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveBigIntegerField()
    shown_to_liaison = models.BooleanField(
        default=False,
        help_text=gettext_lazy("a photo of personal effects that family liaison may show"),
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["site", "id"]

    def __str__(self) -> str:
        return f"photo {self.pk} ({self.subject}, {self.sha256[:12]})"
