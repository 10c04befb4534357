"""On the full synthetic demo, the public pages and their JSON carry no personal data at all."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from exhume.casework.models import BurialJournalEntry, Remains
from exhume.families.models import MissingPerson

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PUBLIC = ["/", "/sites/izium/", "/api/sites", "/api/sites/izium", "/api/sites/izium/stats"]
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def personal_strings() -> set[str]:
    """Every name, effect, mark, note and case number the demo wrote about a person."""
    found = set(BurialJournalEntry.objects.values_list("name_as_written", flat=True))
    for family, given in MissingPerson.objects.values_list("family_name", "given_name"):
        found.add(f"{family} {given}".strip())
    for row in Remains.objects.values_list(
        "personal_effects", "distinguishing_marks", "notes", "case_number"
    ):
        found.update(value for value in row if value)
    return found


def test_no_demo_name_effect_mark_or_case_number_reaches_the_public(
    client: Client, izium_demo: Any
) -> None:
    secrets = personal_strings()
    assert len(secrets) > 900  # names, effects, marks and case numbers were written
    for path in PUBLIC:
        body = client.get(path).content.decode()
        leaked = sorted(s for s in secrets if s in body)
        assert leaked == [], f"{path} shows {leaked[:5]}"
        assert not CYRILLIC.search(body), f"{path} shows Cyrillic text"
