"""The policy table: docs/roles.md prints exactly POLICY; role rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from exhume.access.policy import POLICY, Data, Level, level_of, role_of

DOCS = Path(__file__).resolve().parents[2] / "docs" / "roles.md"
MARK = {Level.FULL: "✓", Level.CODED: "coded", Level.AFTER_IDENTIFICATION: "after id.",
        Level.NONE: "–"}  # fmt: skip
ROWS = {
    Data.PUBLIC: "public: site figures, public pages, signed releases",
    Data.STAFF: "staff: the staff index, account pages",
    Data.GRAVES: "graves",
    Data.REMAINS: "remains records (no names)",
    Data.JOURNAL_NAMES: "burial journal names",
    Data.MISSING_REPORTS: "missing-person reports",
    Data.FAMILY_CONTACTS: "family contacts",
    Data.GENETIC: "genotypes, profiles",
    Data.IDENTIFICATION: "candidates, decisions, reports",
    Data.AUDIT_LOG: "audit log (actors, reasons)",
    Data.ACCESS_LOG: "access log",
    Data.ACCOUNTS: "accounts, groups, restrictions",
}


def test_the_documented_table_is_the_policy() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for data, levels in POLICY.items():
        row = "| " + " | ".join([ROWS[data], *(MARK[level] for level in levels)]) + " |"
        assert row in text, f"docs/roles.md lacks the row {row}"


@pytest.mark.django_db
def test_an_account_with_no_role_or_two_roles_has_none_and_sees_only_public_data() -> None:
    user = User.objects.create_user("nobody")
    assert role_of(user) is None
    assert [d for d in Data if level_of(user, d) > Level.NONE] == [Data.PUBLIC]
    two = User.objects.create_user("two")
    two.groups.add(Group.objects.get(name="field"), Group.objects.get(name="board"))
    assert role_of(two) is None


@pytest.mark.django_db
def test_the_roles_migration_made_every_group_with_the_policys_permissions() -> None:
    board = Group.objects.get(name="board")
    codenames = set(board.permissions.values_list("codename", flat=True))
    assert {"view_burialjournalentry", "view_missingperson", "view_remains"} <= codenames
    assert "change_remains" not in codenames
    field = set(Group.objects.get(name="field").permissions.values_list("codename", flat=True))
    assert {"view_remains", "add_remains", "change_remains", "view_grave"} <= field
    assert "view_burialjournalentry" not in field and "view_missingperson" not in field
    assert not Group.objects.get(name="lab").permissions.filter(codename="view_remains").exists()
