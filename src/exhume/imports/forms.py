"""The upload form of the import page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

#: the encodings a CSV may be declared in (UTF-8 is read by default)
ENCODINGS = (("", _("UTF-8 (default)")), ("cp1251", _("Windows-1251 (older Cyrillic programs)")))


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the table holds"))
    file = forms.FileField(label=_("Table (CSV or XLSX)"))
    encoding = forms.ChoiceField(label=_("Encoding of a CSV"), choices=ENCODINGS, required=False)

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = kinds
