"""Data entry for case records through the Django admin, with every write made by an action.

Rules the admin keeps:

* A form is saved by calling one action (``do_create_site``, ``do_record_remains`` ...) while it
  is validated; an :class:`exhume.errors.InvalidInputError` from the action becomes an error on the
  field it names, so nothing is written unless the action accepted the whole record.
* A saved record is changed only by its correction action (``do_correct_remains``,
  ``do_correct_site`` ...), which needs a reason and the authority that ordered the correction;
  the change form asks for both and sends only the fields that changed.
* Nothing is ever deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from exhume.audit.events import Actor
from exhume.audit.models import Role
from exhume.casework.actions import (
    do_correct_grave,
    do_correct_journal_entry,
    do_correct_remains,
    do_correct_site,
    do_create_site,
    do_record_grave,
    do_record_journal_entry,
    do_record_remains,
)
from exhume.casework.models import BurialJournalEntry, Grave, Remains, Site, TortureIndicator
from exhume.errors import InvalidInputError

admin.site.site_header = "exhume: data entry"
admin.site.site_title = "exhume data entry"
admin.site.index_title = "Case records, families and the audit log"


def actor_for(request: HttpRequest) -> Actor:
    """The logged-in user as an actor; the role is their first group named after a
    :class:`~exhume.audit.models.Role` value (``morgue``, ``field`` ...), else ``admin``."""
    roles = set(Role.values)
    groups = request.user.groups.values_list("name", flat=True)
    role = next((name for name in groups if name in roles), Role.ADMIN)
    return Actor(request.user.get_username(), role)


class ActionForm(forms.ModelForm):  # type: ignore[type-arg]
    """A model form saved by an action instead of ``Model.save()``.

    The action runs as the last step of validation (in place of the model form's own
    instance check, which the action repeats); the form's ``instance`` becomes the saved record.
    """

    actor: ClassVar[Actor]

    def write(self, data: dict[str, Any]) -> models.Model:
        """Call the action for ``data`` (the cleaned fields) and return the saved record."""
        raise NotImplementedError

    def _post_clean(self) -> None:
        if self.errors:
            return
        try:
            self.instance = self.write(dict(self.cleaned_data))
        except InvalidInputError as exc:
            if exc.field in self.fields:
                self.add_error(exc.field, exc.message)
            else:
                self.add_error(None, exc.located())


class CorrectionForm(ActionForm):
    """A change to a saved record is a correction: changed fields only, with the reason and the
    authority that ordered it, written by the model's correction action."""

    correct_with: ClassVar[Callable[..., models.Model]]

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="why the record is corrected (kept in the audit log)",
    )
    authority = forms.CharField(
        max_length=200, help_text="who ordered or approved the correction (person, office)"
    )

    def write(self, data: dict[str, Any]) -> models.Model:
        changes = {k: data[k] for k in self.changed_data if k not in {"reason", "authority"}}
        if not changes:
            raise InvalidInputError("no field was changed, so there is nothing to correct")
        return type(self).correct_with(
            self.actor,
            self.instance,
            reason=data["reason"],
            authority=data["authority"],
            **changes,
        )


class ActionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Admin whose forms write through actions; no deletion; changes only as corrections."""

    correction_form: type[CorrectionForm] | None = None

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is not None and self.correction_form and self.has_change_permission(request, obj):
            kwargs["form"] = self.correction_form
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": actor_for(request)})

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        fields = [f for f in fieldsets[0][1]["fields"] if f not in {"reason", "authority"}]
        return [
            ("Correction (required)", {"fields": ["reason", "authority"]}),
            (None, {"fields": fields}),
        ]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Nothing to do: the form's action has already saved the record and logged it."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.correction_form is not None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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


class GraveForm(ActionForm):
    class Meta:
        model = Grave
        exclude = ("version",)

    def write(self, data: dict[str, Any]) -> models.Model:
        site, label = data.pop("site"), data.pop("marker_label")
        return do_record_grave(self.actor, site=site, marker_label=label, **data)


class GraveCorrectionForm(CorrectionForm, GraveForm):
    correct_with = staticmethod(do_correct_grave)


@admin.register(Grave)
class GraveAdmin(ActionAdmin):
    form = GraveForm
    correction_form = GraveCorrectionForm
    list_display = ("marker_label", "site", "kind", "marker_inscription")
    list_filter = ("site", "kind")
    search_fields = ("marker_label", "marker_inscription")
    list_select_related = ("site",)


class JournalForm(ActionForm):
    class Meta:
        model = BurialJournalEntry
        exclude = ("version",)

    def write(self, data: dict[str, Any]) -> models.Model:
        site, marker, name = (
            data.pop("site"),
            data.pop("marker_number"),
            data.pop("name_as_written"),
        )
        if data.get("grave") is None:
            data.pop("grave", None)  # let the action find the grave bearing the marker
        return do_record_journal_entry(
            self.actor, site=site, marker_number=marker, name_as_written=name, **data
        )


class JournalCorrectionForm(CorrectionForm, JournalForm):
    correct_with = staticmethod(do_correct_journal_entry)


@admin.register(BurialJournalEntry)
class JournalAdmin(ActionAdmin):
    form = JournalForm
    correction_form = JournalCorrectionForm
    list_display = ("marker_number", "name_as_written", "site", "page", "line", "burial_date")
    list_filter = ("site",)
    search_fields = ("marker_number", "name_as_written")
    autocomplete_fields = ("grave",)
    list_select_related = ("site",)


class RemainsForm(ActionForm):
    """New remains are recorded by ``do_record_remains``."""

    torture_indicators = forms.MultipleChoiceField(
        choices=TortureIndicator.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="signs of torture found by the forensic examination",
    )

    class Meta:
        model = Remains
        exclude = ("version",)

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
    autocomplete_fields = ("grave", "part_of")
    list_select_related = ("site",)
    date_hierarchy = "exhumed_on"
