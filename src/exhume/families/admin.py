"""Missing-person reports entered through the admin, written by ``do_report_missing_person``.

Reports are personal data: only staff with the ``families`` permissions see them. A saved report
is changed by ``do_correct_missing_person`` with a reason and an authority; nothing is deleted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models

from exhume.core.admin import ActionAdmin, ActionForm, CorrectionForm
from exhume.families.actions import do_correct_missing_person, do_report_missing_person
from exhume.families.models import MissingPerson


class MissingPersonForm(ActionForm):
    class Meta:
        model = MissingPerson
        exclude = ("version",)

    def write(self, data: dict[str, Any]) -> models.Model:
        return do_report_missing_person(self.actor, **data)


class MissingPersonCorrectionForm(CorrectionForm, MissingPersonForm):
    correct_with = staticmethod(do_correct_missing_person)


@admin.register(MissingPerson)
class MissingPersonAdmin(ActionAdmin):
    form = MissingPersonForm
    correction_form = MissingPersonCorrectionForm
    list_display = ("family_name", "given_name", "patronymic", "sex", "birth_year", "last_seen_on")
    list_filter = ("sex",)
    search_fields = ("family_name", "given_name", "patronymic", "name_latin")
