"""DNA records: who gave or yielded a sample, how it moved, what the lab typed, and the pedigree
that ties relatives to missing persons. Sensitive data: staff with the DNA permission only.

Models hold data and choices. Rules live in :mod:`exhume.dna.custody`,
:mod:`exhume.dna.genotypes` and :mod:`exhume.dna.relationships`; every write goes through
:mod:`exhume.dna.actions`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy

from exhume.casework.models import Remains, Site
from exhume.core.choices import Sex
from exhume.dna.consent import Retention, Scope
from exhume.families.models import MissingPerson


class FrequencyDatabase(models.Model):
    """Allele frequencies of one population, imported from the long CSV format."""

    name = models.CharField(max_length=200, unique=True)
    population = models.CharField(max_length=200)
    source = models.CharField(
        max_length=300, blank=True, help_text=gettext_lazy("file name or publication")
    )
    content_sha256 = models.CharField(
        max_length=64,
        help_text=gettext_lazy("SHA-256 of the imported rows (population,marker,allele,freq,n)"),
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AlleleFrequency(models.Model):
    """One allele of one marker in a frequency database (``position`` keeps the file's order)."""

    database = models.ForeignKey(
        FrequencyDatabase, on_delete=models.PROTECT, related_name="alleles"
    )
    marker = models.CharField(max_length=64)
    allele = models.CharField(max_length=32)
    frequency = models.FloatField()
    n = models.PositiveIntegerField(
        null=True, blank=True, help_text=gettext_lazy("alleles counted")
    )
    position = models.PositiveIntegerField()
    minimum_rule = models.CharField(
        max_length=300,
        blank=True,
        help_text=gettext_lazy(
            "set when the allele was absent and got the minimum frequency (the rule used)"
        ),
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["database", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["database", "marker", "allele"], name="unique_allele_in_database"
            )
        ]

    def __str__(self) -> str:
        return f"{self.marker} {self.allele}: {self.frequency}"


class KinshipParameters(models.Model):
    """A site's kinship parameters: frequency database, marker order, mutation models."""

    site = models.OneToOneField(Site, on_delete=models.PROTECT, related_name="kinship_parameters")
    frequency_database = models.ForeignKey(FrequencyDatabase, on_delete=models.PROTECT)
    markers = models.JSONField(
        default=list, help_text=gettext_lazy("marker names, in the order of a run")
    )
    mutation = models.JSONField(
        default=dict,
        blank=True,
        help_text=gettext_lazy("per marker: dvi-json mutation object (matrices)"),
    )
    pairings = models.JSONField(
        null=True, blank=True, help_text=gettext_lazy("candidate pairings, if given")
    )
    dataset = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "kinship parameters"

    def __str__(self) -> str:
        return f"kinship parameters of {self.site.slug}"


class Family(models.Model):
    """One pedigree: the missing persons of one family, their relatives and connecting people."""

    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="dna_families"
    )
    name = models.CharField(max_length=100)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "families"
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="unique_family_name_in_site")
        ]

    def __str__(self) -> str:
        return f"family {self.name}"


class Relationship(models.TextChoices):
    FATHER = "father", gettext_lazy("Father")
    MOTHER = "mother", gettext_lazy("Mother")
    FULL_SIBLING = "full_sibling", gettext_lazy("Full sibling")
    HALF_SIBLING = "half_sibling", gettext_lazy("Half sibling")
    CHILD = "child", gettext_lazy("Child")
    SPOUSE = "spouse", gettext_lazy("Spouse (other parent of a child)")
    GRANDPARENT = "grandparent", gettext_lazy("Grandparent")
    AUNT_UNCLE = "aunt_uncle", gettext_lazy("Aunt or uncle")
    COUSIN = "cousin", gettext_lazy("First cousin")
    MISSING = "missing", gettext_lazy("Another missing person")


class Side(models.TextChoices):
    NONE = "", "—"
    FATHER = "father", gettext_lazy("Through the father")
    MOTHER = "mother", gettext_lazy("Through the mother")


class PedigreeMember(models.Model):
    """A person in a family's pedigree: a missing person, a relative (donor or not), or an
    untyped person who only connects others. Parents are links, as pedtools stores them."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="members")
    label = models.CharField(max_length=100, help_text=gettext_lazy("id within the pedigree"))
    sex = models.CharField(max_length=16, choices=Sex.choices, default=Sex.UNDETERMINED)
    father = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mother = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    missing_person = models.OneToOneField(
        MissingPerson,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pedigree_member",
        help_text=gettext_lazy("set when this member is a missing person"),
    )
    relationship = models.CharField(
        max_length=16,
        choices=Relationship.choices,
        blank=True,
        help_text=gettext_lazy("as the donor stated"),
    )
    side = models.CharField(max_length=8, choices=Side.choices, blank=True)
    relative_of = models.ForeignKey(
        MissingPerson,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relatives",
        help_text=gettext_lazy("the missing person the relationship is stated to"),
    )
    name = models.CharField(
        max_length=300, blank=True, help_text=gettext_lazy("the relative's name")
    )
    contact = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["family", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["family", "label"], name="unique_member_label")
        ]

    def __str__(self) -> str:
        return f"{self.family.name}/{self.label}"

    @property
    def is_connector(self) -> bool:
        """Placed only to connect others (no statement, not missing)."""
        return not self.relationship and self.missing_person_id is None


class SampleKind(models.TextChoices):
    BONE = "bone", gettext_lazy("Bone")
    TOOTH = "tooth", gettext_lazy("Tooth")
    TISSUE = "tissue", gettext_lazy("Soft tissue")
    NAIL = "nail", gettext_lazy("Nail")
    BUCCAL_SWAB = "buccal_swab", gettext_lazy("Buccal swab (relative)")
    BLOOD_CARD = "blood_card", gettext_lazy("Blood card (relative)")
    PERSONAL_EFFECT = "personal_effect", gettext_lazy("Personal effect of the missing person")


class Sample(models.Model):
    """A DNA sample: from remains, from a relative, or from a personal effect (direct
    reference). The barcode is unique in the whole system."""

    barcode = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=16, choices=SampleKind.choices)
    remains = models.ForeignKey(
        Remains, null=True, blank=True, on_delete=models.PROTECT, related_name="dna_samples"
    )
    donor = models.ForeignKey(
        PedigreeMember,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="samples",
        help_text=gettext_lazy(
            "the relative who gave it, or the missing person whose effect it is"
        ),
    )
    description = models.CharField(
        max_length=300, blank=True, help_text=gettext_lazy("e.g. left femur")
    )
    collected_by = models.CharField(max_length=150)
    collected_on = models.DateField()
    collected_at = models.CharField(max_length=300, blank=True, help_text=gettext_lazy("place"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.barcode


class CustodyStep(models.TextChoices):
    PACKED = "packed", gettext_lazy("Packed")
    SENT = "sent", gettext_lazy("Sent")
    RECEIVED = "received", gettext_lazy("Received by the laboratory")
    STORED = "stored", gettext_lazy("Stored")
    CONSUMED = "consumed", gettext_lazy("Consumed")
    RETURNED = "returned", gettext_lazy("Returned")
    DESTROYED = "destroyed", gettext_lazy("Destroyed")
    RELEASED = "released", gettext_lazy("Released")


class CustodyEvent(models.Model):
    """One movement of a sample; the events of a sample form its chain of custody."""

    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, related_name="custody")
    step = models.CharField(max_length=16, choices=CustodyStep.choices)
    at = models.DateTimeField()
    by = models.CharField(max_length=150, help_text=gettext_lazy("who handled the sample"))
    location = models.CharField(
        max_length=300, blank=True, help_text=gettext_lazy("where (for stored)")
    )
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["sample", "at", "id"]

    def __str__(self) -> str:
        return f"{self.sample.barcode}: {self.step}"


class Profile(models.Model):
    """A DNA profile typed from a sample. ``genotype`` maps marker names to the allele labels
    called (two, one for a drop-out call; more only for a mixture); untyped markers are absent.
    At most one profile per sample counts."""

    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, related_name="profiles")
    lab = models.CharField(max_length=200)
    kit = models.CharField(
        max_length=200, blank=True, help_text=gettext_lazy("e.g. a 23-locus STR kit")
    )
    typed_on = models.DateField(null=True, blank=True)
    analyst = models.CharField(max_length=150, blank=True)
    genotype = models.JSONField(default=dict)
    is_mixture = models.BooleanField(
        default=False,
        help_text=gettext_lazy("more than two alleles at a marker: unusable for kinship"),
    )
    counts = models.BooleanField(
        default=False, help_text=gettext_lazy("the profile used for this sample")
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["sample", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sample"],
                condition=models.Q(counts=True),
                name="one_counting_profile_per_sample",
            )
        ]

    def __str__(self) -> str:
        return f"profile {self.pk} of {self.sample.barcode}"


class Consent(models.Model):
    """One statement of a family's consent for a reference sample: the use, the retention
    after the identification, when it was given and who recorded it. A change is a new row
    (rules in :mod:`exhume.dna.consent`); the latest row of a sample is in force."""

    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, related_name="consents")
    scope = models.CharField(max_length=16, choices=Scope.choices)
    retention = models.CharField(max_length=8, choices=Retention.choices)
    given_on = models.DateField()
    given_by = models.CharField(max_length=300, blank=True)
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()
    reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["sample", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"consent of {self.sample.barcode}: {self.scope}"
