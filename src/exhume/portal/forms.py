"""The public report form (validated here, once) and family liaison's forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

#: the hidden field people never see and robots fill in
HONEYPOT = "website"


class ReportForm(forms.Form):
    """What a family tells us. Short limits: enough for a name and a description."""

    reporter_name = forms.CharField(label=gettext_lazy("Your name"), max_length=200)
    reporter_contact = forms.CharField(
        label=gettext_lazy("How can family liaison reach you? (telephone or e-mail)"),
        max_length=300,
    )
    relationship = forms.CharField(
        label=gettext_lazy("Who is the missing person to you? (e.g. son, sister)"),
        max_length=100,
        required=False,
    )
    family_name = forms.CharField(label=gettext_lazy("Family name of the missing person"),
                                  max_length=150)  # fmt: skip
    given_name = forms.CharField(label=gettext_lazy("Given name"), max_length=150, required=False)
    patronymic = forms.CharField(label=gettext_lazy("Patronymic"), max_length=150, required=False)
    sex = forms.ChoiceField(
        label=gettext_lazy("The missing person is"),
        choices=[
            ("male", gettext_lazy("a man or a boy")),
            ("female", gettext_lazy("a woman or a girl")),
            ("undetermined", gettext_lazy("I would rather not say")),
        ],
        initial="undetermined",
        required=False,
    )
    birth_year = forms.IntegerField(
        label=gettext_lazy("Year of birth"), min_value=1900, max_value=2100, required=False
    )
    last_seen_on = forms.DateField(
        label=gettext_lazy("Last seen on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    last_seen_place = forms.CharField(
        label=gettext_lazy("Last seen where"), max_length=300, required=False
    )
    description = forms.CharField(
        label=gettext_lazy("Anything that may help (clothes, marks, what happened)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    website = forms.CharField(
        label=gettext_lazy("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_last_seen_on(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("last_seen_on")
        if day is not None and day > dt.date.today():
            raise forms.ValidationError(gettext_lazy("this date is in the future"))
        return day

    def report_fields(self) -> dict[str, Any]:
        fields = {k: v for k, v in self.cleaned_data.items() if k != HONEYPOT}
        return {**fields, "sex": fields.get("sex") or "undetermined"}


class CheckForm(forms.Form):
    """Family liaison's decision on a report, or on its status link."""

    action = forms.ChoiceField(
        choices=[("verify", "verify"), ("reject", "reject"), ("revoke", "revoke"),
                 ("new_link", "new_link")],
    )  # fmt: skip
    missing_person = forms.IntegerField(
        label=gettext_lazy("Same person as missing-person report no. (optional)"),
        required=False,
        min_value=1,
    )
    note = forms.CharField(
        label=gettext_lazy("Note or reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
