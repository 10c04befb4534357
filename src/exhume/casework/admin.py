"""Data entry for case records through the Django admin, with every write made by an action
(the rules are those of :mod:`exhume.core.admin`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy

from exhume.casework.actions import (
    do_correct_grave,
    do_correct_journal_entry,
    do_correct_remains,
    do_correct_site,
    do_correct_site_text,
    do_create_site,
    do_record_grave,
    do_record_journal_entry,
    do_record_remains,
    do_translate_site,
)
from exhume.casework.models import (
    BurialJournalEntry,
    Grave,
    Remains,
    Site,
    SiteText,
    TortureIndicator,
)
from exhume.core.admin import ActionAdmin, ActionForm, CorrectionForm


class SiteForm(ActionForm):
    class Meta:
        model = Site
        exclude = ("version",)

    def write(self, data: dict[str, Any]) -> models.Model:
        return do_create_site(self.actor, **data)


class SiteCorrectionForm(CorrectionForm, SiteForm):
    correct_with = staticmethod(do_correct_site)


@admin.register(Site)
class SiteAdmin(ActionAdmin):
    form = SiteForm
    correction_form = SiteCorrectionForm
    list_display = ("name", "slug", "place", "exhumation_started_on", "is_synthetic")
    list_filter = ("is_synthetic",)
    search_fields = ("name", "slug", "place")
    prepopulated_fields = {"slug": ["name"]}


class SiteTextForm(ActionForm):
    class Meta:
        model = SiteText
        exclude = ("version",)

    def write(self, data: dict[str, Any]) -> models.Model:
        site, language = data.pop("site"), data.pop("language")
        return do_translate_site(self.actor, site=site, language=language, **data)


class SiteTextCorrectionForm(CorrectionForm, SiteTextForm):
    correct_with = staticmethod(do_correct_site_text)


@admin.register(SiteText)
class SiteTextAdmin(ActionAdmin):
    """A site's name, place and description in another language (shown in the reader's)."""

    form = SiteTextForm
    correction_form = SiteTextCorrectionForm
    list_display = ("site", "language", "name", "place")
    list_filter = ("language",)


class GraveForm(ActionForm):
    class Meta:
        model = Grave
        exclude = ("version",)

    def write(self, data: dict[str, Any]) -> models.Model:
        site, label = data.pop("site"), data.pop("grave_number")
        return do_record_grave(self.actor, site=site, grave_number=label, **data)


class GraveCorrectionForm(CorrectionForm, GraveForm):
    correct_with = staticmethod(do_correct_grave)


@admin.register(Grave)
class GraveAdmin(ActionAdmin):
    form = GraveForm
    correction_form = GraveCorrectionForm
    list_display = ("grave_number", "site", "kind", "inscription")
    list_filter = ("site", "kind")
    search_fields = ("grave_number", "inscription")
    list_select_related = ("site",)


class JournalForm(ActionForm):
    class Meta:
        model = BurialJournalEntry
        exclude = ("version",)

    def write(self, data: dict[str, Any]) -> models.Model:
        site, number, name = (
            data.pop("site"),
            data.pop("grave_number"),
            data.pop("name_as_written"),
        )
        if data.get("grave") is None:
            data.pop("grave", None)  # let the action find the grave bearing the number
        return do_record_journal_entry(
            self.actor, site=site, grave_number=number, name_as_written=name, **data
        )


class JournalCorrectionForm(CorrectionForm, JournalForm):
    correct_with = staticmethod(do_correct_journal_entry)


@admin.register(BurialJournalEntry)
class JournalAdmin(ActionAdmin):
    form = JournalForm
    correction_form = JournalCorrectionForm
    list_display = ("grave_number", "name_as_written", "site", "page", "line", "burial_date")
    list_filter = ("site",)
    search_fields = ("grave_number", "name_as_written")
    autocomplete_fields = ("grave",)
    list_select_related = ("site",)


class RemainsForm(ActionForm):
    """New remains are recorded by ``do_record_remains``."""

    torture_indicators = forms.MultipleChoiceField(
        choices=TortureIndicator.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("signs of torture found by the forensic examination"),
    )

    class Meta:
        model = Remains
        exclude = ("version", "identified_on")  # identified_on: only the board sets it

    def write(self, data: dict[str, Any]) -> models.Model:
        site, case, day = data.pop("site"), data.pop("case_number"), data.pop("exhumed_on")
        return do_record_remains(self.actor, site=site, case_number=case, exhumed_on=day, **data)


class RemainsCorrectionForm(CorrectionForm, RemainsForm):
    correct_with = staticmethod(do_correct_remains)


@admin.register(Remains)
class RemainsAdmin(ActionAdmin):
    form = RemainsForm
    correction_form = RemainsCorrectionForm
    list_display = (
        "case_number",
        "site",
        "exhumed_on",
        "kind",
        "sex",
        "age_class",
        "status",
        "cause_of_death",
        "violent_death",
        "version",
    )
    list_filter = ("site", "kind", "sex", "age_class", "status", "violent_death", "exhumed_on")
    search_fields = ("case_number",)
    autocomplete_fields = ("grave", "body")
    list_select_related = ("site",)
    date_hierarchy = "exhumed_on"
