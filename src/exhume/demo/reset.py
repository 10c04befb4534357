"""Rebuilding the demo: the database is emptied only when everything in it is the demo's own.

A data folder may hold a demo and, later, real work: missing-person reports typed in, staff
accounts made. ``exhume demo`` must never flush those. The demo's records are recognisable: its
sites are ``is_synthetic``, its missing-person reports carry the synthetic label as their
description, it sends no report through the family portal, and its only accounts are the demo
users.
"""

from __future__ import annotations

import shutil
from collections.abc import Collection

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils.translation import gettext as _

from exhume.casework.models import Site
from exhume.demo.scenario import SYNTHETIC
from exhume.errors import InvalidInputError
from exhume.families.models import MissingPerson
from exhume.portal.models import FamilyReport
from exhume.publication.releases import releases_dir


def real_data(demo_users: Collection[str]) -> list[str]:
    """What in the database is not the demo's own, one phrase per kind (empty: only the demo)."""
    found = []
    sites = list(Site.objects.filter(is_synthetic=False).values_list("slug", flat=True))
    if sites:
        found.append(f"{len(sites)} real site(s) ({', '.join(sites[:5])})")
    reports = MissingPerson.objects.exclude(description=SYNTHETIC).count()
    if reports:
        found.append(f"{reports} missing-person report(s) not made by the demo")
    sent = FamilyReport.objects.count()  # the demo sends none: each came from a family
    if sent:
        found.append(f"{sent} report(s) sent by families through the portal")
    users = get_user_model().objects.exclude(username__in=list(demo_users))
    names = list(users.values_list("username", flat=True)[:5])
    if names:
        found.append(f"{users.count()} user account(s) ({', '.join(names)})")
    return found


def reset_demo_database(demo_users: Collection[str]) -> None:
    """Empty a database that holds only a previous demo (and remove that demo's release
    bundles), so the demo can be rebuilt; refuse, changing nothing, when it holds anything else."""
    found = real_data(demo_users)
    if found:
        raise InvalidInputError(
            _(
                "refusing to build the demo here: this database holds data "
                "that is not synthetic: %(join)s. The demo only runs on an "
                "empty database or one of its own: set EXHUME_DATA_DIR to "
                "another folder"
            )
            % {"join": "; ".join(found)}
        )
    if not Site.objects.exists():
        return
    for slug in Site.objects.values_list("slug", flat=True):
        shutil.rmtree(releases_dir() / slug, ignore_errors=True)
    call_command("flush", interactive=False, verbosity=0)
