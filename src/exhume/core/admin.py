"""The admin base every app's data entry uses: a form saved by an action, a correction form
that asks for the reason and the authority, and an admin that never deletes.

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
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exhume.access.policy import role_of
from exhume.access.records import visible
from exhume.audit.events import Actor
from exhume.audit.models import ReasonCode
from exhume.errors import ConflictError, InvalidInputError

admin.site.site_header = "exhume: data entry"
admin.site.site_title = "exhume data entry"
admin.site.index_title = "Case records, families and the audit log"


def actor_for(request: HttpRequest) -> Actor:
    """The logged-in user as an actor with their role (:func:`exhume.access.policy.role_of`:
    their role group; a superuser is an administrator); an account without a role may not
    write anything."""
    role = role_of(request.user)
    if role is None:
        raise PermissionDenied(_("an account without a role may not write records"))
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
        except (InvalidInputError, ConflictError) as exc:
            if exc.field in self.fields:
                self.add_error(exc.field, exc.message)
            else:
                self.add_error(None, exc.located())


#: The fields of a correction form that are not fields of the record.
CORRECTION_FIELDS = ("reason_code", "reason", "authority", "loaded_version")


class CorrectionForm(ActionForm):
    """A change to a saved record is a correction: changed fields only, with the reason and the
    authority that ordered it, written by the model's correction action."""

    correct_with: ClassVar[Callable[..., models.Model]]

    reason_code = forms.ChoiceField(
        choices=ReasonCode.choices,
        initial="other",
        required=False,  # left out: "other"
        help_text=gettext_lazy("the kind of correction: the only part of the reason published"),
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("why the record is corrected (kept in the audit log)"),
    )
    authority = forms.CharField(
        max_length=200,
        help_text=gettext_lazy("who ordered or approved the correction (person, office)"),
    )
    #: the version the form was filled in against (a correction of an older one is refused)
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = getattr(self.instance, "version", 1)

    def write(self, data: dict[str, Any]) -> models.Model:
        changes = {k: data[k] for k in self.changed_data if k not in CORRECTION_FIELDS}
        if not changes:
            raise InvalidInputError(_("no field was changed, so there is nothing to correct"))
        self.instance.version = data["loaded_version"]
        return type(self).correct_with(
            self.actor,
            self.instance,
            reason=data["reason"],
            authority=data["authority"],
            reason_code=data["reason_code"] or ReasonCode.OTHER.value,
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
        fields = [f for f in fieldsets[0][1]["fields"] if f not in CORRECTION_FIELDS]
        return [
            ("Correction (required)", {"fields": list(CORRECTION_FIELDS)}),
            (None, {"fields": fields}),
        ]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Nothing to do: the form's action has already saved the record and logged it."""

    def get_queryset(self, request: HttpRequest) -> Any:
        """Records restricted to other people are not listed (exhume.access.records)."""
        return visible(super().get_queryset(request), request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.correction_form is not None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
