"""Forms of the staff pages: they validate what a person typed, then a view calls one action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from exhume.casework.models import GRAVE_SUBJECTS, REMAINS_SUBJECTS, PhotoSubject


class PhotoForm(forms.Form):
    """An uploaded photo of a grave (``owner="grave"``) or of remains (``owner="remains"``)."""

    photo = forms.FileField(label=_("Photo (JPEG, PNG, TIFF or WebP)"))
    subject = forms.ChoiceField(label=_("What it shows"))
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)
    shown_to_liaison = forms.BooleanField(
        label=_("Family liaison may show this photo of personal effects to families"),
        required=False,
    )

    def __init__(self, *args: Any, owner: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        subjects = GRAVE_SUBJECTS if owner == "grave" else REMAINS_SUBJECTS
        labels = dict(PhotoSubject.choices)
        subject = self.fields["subject"]
        assert isinstance(subject, forms.ChoiceField)
        subject.choices = [(s.value, labels[s.value]) for s in subjects]
        if owner == "grave":
            del self.fields["shown_to_liaison"]


class LiaisonForm(forms.Form):
    """Let family liaison show a photo of personal effects (or stop), with the reason."""

    shown = forms.BooleanField(label=_("Family liaison may show it"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300)
