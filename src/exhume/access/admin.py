"""The access log (read-only, filtered per person and per record) and record restrictions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from exhume.access.actions import do_restrict_record
from exhume.access.models import AccessEntry, Restriction
from exhume.access.policy import role_of
from exhume.audit.admin import ReadOnlyAdmin
from exhume.audit.events import Actor
from exhume.errors import InvalidInputError


@admin.register(AccessEntry)
class AccessEntryAdmin(ReadOnlyAdmin):
    """Who looked at what: filter by user, kind of data and role; search a record (type:id)."""

    list_display = ("time", "username", "role", "data", "record", "page")
    list_filter = ("data", "role", "username")
    search_fields = ("=username", "=record", "page")
    date_hierarchy = "time"


class RestrictionForm(forms.ModelForm):  # type: ignore[type-arg]
    """Checks that the record exists; the action writes it."""

    class Meta:
        model = Restriction
        fields = ("record_type", "record_id", "people", "reason")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            model = apps.get_model(data.get("record_type", ""))
        except (LookupError, ValueError):
            raise forms.ValidationError(
                _("record type must be app.model, e.g. casework.remains")
            ) from None
        try:
            self.record = model._default_manager.get(pk=data.get("record_id"))
        except (ObjectDoesNotExist, ValueError):
            raise forms.ValidationError(_("no such record")) from None
        return data


@admin.register(Restriction)
class RestrictionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = RestrictionForm
    list_display = ("record_type", "record_id", "reason", "version")
    filter_horizontal = ("people",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor = Actor(request.user.get_username(), role_of(request.user) or "")
        try:
            saved = do_restrict_record(
                actor,
                form.record,
                people=form.cleaned_data["people"],
                reason=form.cleaned_data["reason"],
            )
        except InvalidInputError as exc:
            raise forms.ValidationError(exc.located()) from None
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing to do: the action has set the people."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
