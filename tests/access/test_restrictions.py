"""A single record restricted further: only the people it names see it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User

from exhume.access.actions import do_restrict_record
from exhume.audit.events import Actor
from exhume.audit.models import LogEntry
from exhume.errors import InvalidInputError
from tests.access.conftest import client_for
from tests.web.builders import SLUG, Built

pytestmark = pytest.mark.django_db
Member = Callable[[str, str], User]


def test_a_restricted_record_is_hidden_from_everyone_but_its_named_people(
    built: Built, member: Member
) -> None:
    named, other = member("investigator", "ivanna"), member("investigator", "ihor")
    do_restrict_record(
        Actor("adm", "admin"), built.first, people=[named], reason="witness protection"
    )
    url = f"/staff/remains/{built.first.pk}/"
    assert client_for(named).get(url).status_code == 200
    assert client_for(other).get(url).status_code == 404
    assert client_for(other).get(f"/api/staff/remains/{built.first.pk}").status_code == 404
    listed = client_for(other).get(f"/api/staff/sites/{SLUG}/remains").json()
    assert built.first.pk not in {row["id"] for row in listed}
    assert len(listed) == 16
    changelist = client_for(member("admin", "adm")).get("/admin/casework/remains/")
    assert built.first.case_number not in changelist.content.decode()


def test_restricting_is_a_logged_action_that_needs_a_reason_and_a_person(
    built: Built, member: Member
) -> None:
    actor = Actor("adm", "admin")
    with pytest.raises(InvalidInputError, match="say why"):
        do_restrict_record(actor, built.first, people=[member("board", "b")], reason=" ")
    with pytest.raises(InvalidInputError, match="at least one person"):
        do_restrict_record(actor, built.first, people=[], reason="sensitive")
    restriction = do_restrict_record(
        actor, built.first, people=[User.objects.get(username="b")], reason="sensitive"
    )
    again = do_restrict_record(
        actor, built.first, people=[User.objects.get(username="b")], reason="still sensitive"
    )
    entries = LogEntry.objects.filter(record_type="access.restriction", record_id=str(again.pk))
    assert [(e.action, e.version) for e in entries] == [("create", 1), ("correct", 2)]
    assert restriction.pk == again.pk
