"""The demo's accounts, one per role, all with the same published password.

Synthetic-only: these accounts exist to show what each role sees. They are created by
``exhume demo`` on a database that holds only synthetic data, never on a real one.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from exhume.errors import InvalidInputError

DEMO_PASSWORD = "demo-exhume"

#: username -> role group. ``demo`` is the administrator (and a superuser).
DEMO_ACCOUNTS: dict[str, str] = {
    "demo": "admin",
    "demo-field": "field",
    "demo-morgue": "morgue",
    "demo-lab": "lab",
    "demo-board": "board",
    "demo-board2": "board",
    "demo-liaison": "liaison",
    "demo-investigator": "investigator",
}


def ensure_demo_accounts() -> list[str]:
    """Create (or reset) every demo account in its role group; the usernames, in order.

    Refuses when the database holds any real (non-synthetic) site.
    """
    from exhume.casework.models import Site

    if Site.objects.filter(is_synthetic=False).exists():
        raise InvalidInputError(
            _(
                "demo accounts are made only on a database of synthetic data "
                "(this one holds real case records)"
            )
        )
    user_model = get_user_model()
    with transaction.atomic():
        for username, role in DEMO_ACCOUNTS.items():
            user = user_model.objects.get_or_create(username=username)[0]
            user.is_staff = True
            user.is_superuser = role == "admin"
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([Group.objects.get_or_create(name=role)[0]])
    return list(DEMO_ACCOUNTS)
