"""Single-record disclosures against a release's signed checkpoint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from exhume.errors import InvalidInputError, VerificationError
from exhume.ledger import Disclosure, read_release, verify_disclosure
from exhume.ledger.checkpoint import parse_checkpoint_body
from exhume.ledger.note import parse_note
from exhume.publication.disclosures import do_disclose, parse_record_ref

pytestmark = pytest.mark.django_db


def head_of(directory: Path) -> Any:
    return parse_checkpoint_body(parse_note(read_release(directory).checkpoint).text)


def test_a_disclosure_opens_the_record_and_verifies_against_the_release(
    small_site: Any, publish: Any
) -> None:
    release = publish(small_site)
    remains = small_site.remains.get(case_number="C-0003")
    data = do_disclose("casework.remains", str(remains.pk))
    assert data["release"] == "lisova-1"
    assert data["record"]["case_number"] == "C-0003"
    verify_disclosure(Disclosure.from_dict(data), head_of(release.path))


def test_a_disclosed_record_with_an_edited_field_fails_naming_the_entry(
    small_site: Any, publish: Any
) -> None:
    release = publish(small_site)
    remains = small_site.remains.get(case_number="C-0003")
    data = do_disclose("casework.remains", str(remains.pk))
    data["record"]["sex"] = "female"
    with pytest.raises(VerificationError) as err:
        verify_disclosure(Disclosure.from_dict(data), head_of(release.path))
    assert err.value.message == (
        f"entry {data['leaf_index']} (casework.remains {remains.pk} v1): the record and salt do "
        "not open its commitment"
    )


def test_a_record_changed_after_the_release_is_refused(
    small_site: Any, publish: Any, actor: Any
) -> None:
    from exhume.casework.actions import do_correct_remains

    publish(small_site)
    remains = small_site.remains.get(case_number="C-0001")
    do_correct_remains(actor, remains, reason="re-examined", authority="board", sex="male")
    with pytest.raises(InvalidInputError, match="publish a new release first"):
        do_disclose("casework.remains", str(remains.pk))


def test_a_record_edited_in_sql_cannot_be_disclosed(small_site: Any, publish: Any) -> None:
    publish(small_site)
    remains = small_site.remains.get(case_number="C-0001")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE casework_remains SET notes = 'x' WHERE id = %s", [remains.pk])
    with pytest.raises(VerificationError, match="changed outside the application"):
        do_disclose("casework.remains", str(remains.pk))


def test_any_logged_record_type_can_be_disclosed(small_site: Any, publish: Any) -> None:
    release = publish(small_site)
    data = do_disclose(*parse_record_ref(f"casework.site:{small_site.pk}"))
    assert json.loads(json.dumps(data))["record"]["slug"] == "lisova"
    verify_disclosure(Disclosure.from_dict(data), head_of(release.path))


def test_record_references_default_to_remains() -> None:
    assert parse_record_ref("17") == ("casework.remains", "17")
    assert parse_record_ref("families.missingperson:3") == ("families.missingperson", "3")
    with pytest.raises(InvalidInputError, match="give a remains id"):
        parse_record_ref("grave:")
