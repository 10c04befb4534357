"""The form family liaison fills to record a consent (validated here once, then the action)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from exhume.dna.consent import Retention, Scope


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(label=gettext_lazy("Use"), choices=Scope.choices,
                              widget=forms.RadioSelect)  # fmt: skip
    retention = forms.ChoiceField(
        label=gettext_lazy("After the identification"),
        choices=Retention.choices,
        widget=forms.RadioSelect,
    )
    given_on = forms.DateField(
        label=gettext_lazy("Date given"), widget=forms.DateInput(attrs={"type": "date"})
    )
    given_by = forms.CharField(
        label=gettext_lazy("Given by (name of the relative, or guardian)"),
        max_length=300,
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
