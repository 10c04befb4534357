"""On the full synthetic demo, the public pages and their JSON carry no personal data at all.

The test looks for personal data itself (names of the missing and of the buried as the journal
wrote them, in Cyrillic and in Latin; what families told about a person; effects, marks, notes
and case numbers; DNA), not for a script: the interface may speak Ukrainian.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pytest
from django.test import Client

from exhume.casework.models import BurialJournalEntry, Remains
from exhume.demo.scenario import SYNTHETIC
from exhume.dna.models import PedigreeMember, Sample
from exhume.families.models import MissingPerson

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PUBLIC = ["/", "/sites/izium/", "/api/sites", "/api/sites/izium", "/api/sites/izium/stats",
          "/map/", "/api/sites.geojson"]  # fmt: skip
#: Names of STR loci and of allele calls: DNA data on a public page would show them.
DNA = re.compile(r"\b(?:D\d{1,2}S\d{2,4}|CSF1PO|FGA|TH01|TPOX|vWA|Penta [DE]|Amelogenin)\b")


def personal_strings() -> set[str]:
    """Every name (as written, and each family name alone), what families told about a person,
    every effect, mark, note and case number the demo wrote, and every DNA sample barcode and
    relative's name."""
    found: set[str] = set()
    for name in BurialJournalEntry.objects.values_list("name_as_written", flat=True):
        if len(name.split()) > 1:  # a name; "невідомий" (unknown) alone names no one
            found.add(name)
    for person in MissingPerson.objects.all():
        found.update({person.family_name, str(person), person.name_latin})
        found.update({person.description, person.distinguishing_marks} - {"", SYNTHETIC})
    for row in Remains.objects.values_list(
        "personal_effects", "distinguishing_marks", "notes", "case_number"
    ):
        found.update(row)
    found.update(Sample.objects.values_list("barcode", flat=True))
    found.update(PedigreeMember.objects.values_list("name", flat=True))
    return {s for s in found if s and len(s) >= 4}


def leaks(body: str, secrets: Iterable[str]) -> list[str]:
    """The personal strings ``body`` shows (whole words), and any DNA marker name."""
    shown = [s for s in secrets if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", body)]
    return sorted(shown) + DNA.findall(body)


def test_the_privacy_check_allows_ukrainian_text_and_finds_names_and_dna() -> None:
    secrets = {"Ґалаґан Мирослава Тарасівна", "Кривоніс", "LP-2022-0001"}
    page = "<h1>Ізюм: 447 загиблих</h1><p>Жінки 215, чоловіки 194, невідомий 11</p>"
    assert leaks(page, secrets) == []
    assert leaks(page + "<td>Кривоніс</td>", secrets) == ["Кривоніс"]
    assert leaks(page + "D8S1179: 13/14", secrets) == ["D8S1179"]


def test_no_demo_name_effect_mark_case_number_or_dna_reaches_the_public(
    client: Client, izium_demo: Any
) -> None:
    secrets = personal_strings()
    assert len(secrets) > 900  # names, effects, marks and case numbers were written
    for path in PUBLIC:
        body = client.get(path).content.decode()
        assert leaks(body, secrets) == [], f"{path} shows personal data"
