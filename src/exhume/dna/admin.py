"""DNA records in the admin: read-only. They are written by the DNA actions (imports, the
demo, the staff workflow), never from an admin form, and nothing is deleted."""

from __future__ import annotations

from django.contrib import admin

from exhume.audit.admin import ReadOnlyAdmin
from exhume.dna.models import (
    AlleleFrequency,
    Consent,
    CustodyEvent,
    Family,
    FrequencyDatabase,
    KinshipParameters,
    PedigreeMember,
    Profile,
    Sample,
)


@admin.register(Sample)
class SampleAdmin(ReadOnlyAdmin):
    list_display = ("barcode", "kind", "remains", "donor", "collected_on")
    list_filter = ("kind",)
    search_fields = ("barcode",)


@admin.register(CustodyEvent)
class CustodyEventAdmin(ReadOnlyAdmin):
    list_display = ("sample", "step", "at", "by", "location")
    list_filter = ("step",)
    search_fields = ("sample__barcode",)


@admin.register(Profile)
class ProfileAdmin(ReadOnlyAdmin):
    list_display = ("sample", "lab", "kit", "typed_on", "counts", "is_mixture")
    list_filter = ("counts", "is_mixture", "lab")
    search_fields = ("sample__barcode",)


@admin.register(Family)
class FamilyAdmin(ReadOnlyAdmin):
    list_display = ("name", "site", "notes")
    list_filter = ("site",)


@admin.register(PedigreeMember)
class PedigreeMemberAdmin(ReadOnlyAdmin):
    list_display = ("family", "label", "sex", "relationship", "side", "missing_person")
    list_filter = ("relationship",)


@admin.register(FrequencyDatabase)
class FrequencyDatabaseAdmin(ReadOnlyAdmin):
    list_display = ("name", "population", "source", "content_sha256")


@admin.register(AlleleFrequency)
class AlleleFrequencyAdmin(ReadOnlyAdmin):
    list_display = ("database", "marker", "allele", "frequency", "n", "minimum_rule")
    list_filter = ("database", "marker")


@admin.register(KinshipParameters)
class KinshipParametersAdmin(ReadOnlyAdmin):
    list_display = ("site", "frequency_database", "dataset")


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("sample", "scope", "retention", "given_on", "recorded_by", "recorded_at")
    list_filter = ("scope", "retention")
    search_fields = ("sample__barcode",)
