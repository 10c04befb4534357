"""Missing-person reports entered through the admin, written by ``do_report_missing_person``.

Reports are personal data: only staff with the ``families`` permissions see them. There is no
correction action for reports yet, so a saved report is read-only; nothing is ever deleted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models

from exhume.casework.admin import ActionAdmin, ActionForm
from exhume.families.actions import do_report_missing_person
from exhume.families.models import MissingPerson


class MissingPersonForm(ActionForm):
    class Meta:
        model = MissingPerson
        exclude = ("version",)

    def write(self, data: dict[str, Any]) -> models.Model:
        return do_report_missing_person(self.actor, **data)


@admin.register(MissingPerson)
class MissingPersonAdmin(ActionAdmin):
    form = MissingPersonForm
    list_display = ("family_name", "given_name", "patronymic", "sex", "birth_year", "last_seen_on")
    list_filter = ("sex",)
    search_fields = ("family_name", "given_name", "patronymic", "name_latin")
