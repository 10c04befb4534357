"""The access policy: which role may see which kind of data, and how much of it.

This module is the single place where rights are decided. Pages, JSON endpoints, the admin,
exports and the CLI all ask :func:`level_of` / :func:`require` here; the URL registry in
:mod:`exhume.access.endpoints` names the kind of data each endpoint shows, and the middleware
in :mod:`exhume.access.middleware` enforces it before any view runs.

A role is a Django group whose name is a :class:`~exhume.audit.models.Role` value (created by
the data migration ``access.0002_roles``). An account holds exactly one role; an account with
none (or, by mistake, with several) sees only the public pages. A superuser is an
administrator. Where the issue's table was silent the narrower right was chosen; the final
table is in ``docs/roles.md`` and is checked against :data:`POLICY` by a test.
"""

from __future__ import annotations

import enum
from typing import Any

from django.utils.translation import gettext as _

from exhume.audit.models import Role
from exhume.errors import AccessDeniedError


class Data(enum.StrEnum):
    """The kinds of data the policy distinguishes."""

    PUBLIC = "public"  # site figures, public pages, signed releases, site records
    STAFF = "staff"  # the staff index and account pages: any role, nothing personal
    GRAVES = "graves"  # graves as marked on site, inscriptions
    REMAINS = "remains"  # remains records: no names, but effects, marks, case numbers
    JOURNAL_NAMES = "journal_names"  # the burial journal: names of the unidentified
    MISSING_REPORTS = "missing_reports"  # missing-person reports: names, descriptions
    FAMILY_CONTACTS = "family_contacts"  # relatives' addresses and telephones
    GENETIC = "genetic"  # genotypes, DNA profiles, reference samples
    IDENTIFICATION = "identification"  # candidates, decisions, identification reports
    AUDIT_LOG = "audit_log"  # the write log with actors and reasons
    ACCESS_LOG = "access_log"  # who looked at what
    ACCOUNTS = "accounts"  # user accounts, groups, record restrictions


class Level(enum.IntEnum):
    """How much of a kind of data a role sees (ordered: a higher level includes the lower)."""

    NONE = 0
    AFTER_IDENTIFICATION = 1  # only records of persons already identified
    CODED = 2  # coded ids only: no names, no case numbers, no grave, no personal effects
    FULL = 3


N, A, C, F = Level.NONE, Level.AFTER_IDENTIFICATION, Level.CODED, Level.FULL
PUBLIC_ROLE = "public"  # the anonymous visitor, and an account without a role
COLUMNS = (PUBLIC_ROLE, Role.FIELD, Role.MORGUE, Role.LAB, Role.BOARD, Role.LIAISON,
           Role.INVESTIGATOR, Role.ADMIN)  # fmt: skip

#: data -> level per column of :data:`COLUMNS` (public, field, morgue, lab, board, liaison,
#: investigator, administrator). docs/roles.md prints this table; a test keeps them equal.
POLICY: dict[Data, tuple[Level, ...]] = {
    Data.PUBLIC: (F, F, F, F, F, F, F, F),
    Data.STAFF: (N, F, F, F, F, F, F, F),
    Data.GRAVES: (N, F, F, N, F, N, F, F),
    Data.REMAINS: (N, F, F, C, F, N, F, F),
    Data.JOURNAL_NAMES: (N, N, N, N, F, N, F, F),
    Data.MISSING_REPORTS: (N, N, N, N, F, F, F, F),
    Data.FAMILY_CONTACTS: (N, N, N, N, N, F, N, F),
    Data.GENETIC: (N, N, N, C, F, N, N, F),
    Data.IDENTIFICATION: (N, N, N, C, F, A, F, F),
    Data.AUDIT_LOG: (N, N, N, N, F, N, F, F),
    Data.ACCESS_LOG: (N, N, N, N, N, N, N, F),
    Data.ACCOUNTS: (N, N, N, N, N, N, N, F),
}

#: data each role may also add and correct (through the actions). Reading needs FULL as well.
EDITS: dict[str, frozenset[Data]] = {
    Role.FIELD: frozenset({Data.GRAVES, Data.REMAINS}),
    Role.MORGUE: frozenset({Data.REMAINS}),
    Role.LAB: frozenset({Data.GENETIC}),
    Role.BOARD: frozenset({Data.IDENTIFICATION}),
    Role.LIAISON: frozenset({Data.MISSING_REPORTS, Data.FAMILY_CONTACTS}),
    Role.INVESTIGATOR: frozenset(),
    Role.ADMIN: frozenset(Data),
}

#: data whose every view writes an access entry (who, what, when, from which page).
LOGGED: frozenset[Data] = frozenset(
    {Data.JOURNAL_NAMES, Data.MISSING_REPORTS, Data.FAMILY_CONTACTS, Data.GENETIC}
)

ROLES: tuple[str, ...] = tuple(str(c) for c in COLUMNS[1:])


def role_of(user: Any) -> str | None:
    """The user's role: a superuser is an administrator; otherwise the one role group they
    belong to. Anonymous users, accounts without a role and accounts with several roles (a
    mistake an administrator must fix) have none: they see the public pages only."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return str(Role.ADMIN)
    cached: str | bool | None = getattr(user, "_exhume_role", False)
    if cached is not False:
        return cached  # type: ignore[return-value]
    names = [n for n in user.groups.values_list("name", flat=True) if n in ROLES]
    role = names[0] if len(names) == 1 else None
    user._exhume_role = role
    return role


def level_for_role(role: str | None, data: Data) -> Level:
    """The level of ``data`` that ``role`` sees (``None``: the public)."""
    column = COLUMNS.index(role) if role in COLUMNS else 0
    return POLICY[data][column]


def level_of(user: Any, data: Data) -> Level:
    """The level of ``data`` this user sees."""
    return level_for_role(role_of(user), data)


def may_edit(user: Any, data: Data) -> bool:
    """Whether this user may add and correct records of ``data``."""
    role = role_of(user)
    return role is not None and level_for_role(role, data) is F and data in EDITS[role]


def require(user: Any, data: Data, *, at_least: Level = Level.AFTER_IDENTIFICATION) -> Level:
    """The user's level of ``data``, or :class:`AccessDeniedError` when it is below ``at_least``
    (by default any level but NONE)."""
    level = level_of(user, data)
    if level < at_least:
        raise AccessDeniedError(
            _("your role (%(role)s) may not see this data (%(data)s)")
            % {"role": role_label(role_of(user)), "data": data.value}
        )
    return level


def role_label(role: str | None) -> str:
    """The role's human name in the current language."""
    if role is None:
        return str(_("no role"))
    return str(Role(role).label)


def visible_roles(data: Data, *, at_least: Level = Level.FULL) -> list[str]:
    """The roles that see ``data`` at ``at_least`` or more."""
    return [r for r in ROLES if level_for_role(r, data) >= at_least]
