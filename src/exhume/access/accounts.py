"""The named user a command-line read acts as (``--as USER`` or ``EXHUME_USER``)."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from exhume.access.policy import Data, Level, require
from exhume.errors import AccessDeniedError

USER_VARIABLE = "EXHUME_USER"


def acting_user(username: str | None, data: Data, *, at_least: Level = Level.FULL) -> Any:
    """The account ``username`` (else ``$EXHUME_USER``), once the policy lets it see ``data``
    at ``at_least``; AccessDeniedError when no user is named, it does not exist, or it may not."""
    name = username or os.environ.get(USER_VARIABLE, "")
    if not name:
        raise AccessDeniedError(
            _(
                "this command reads restricted data: name the account it acts as with --as USER "
                "or %(variable)s"
            )
            % {"variable": USER_VARIABLE},
            field="as",
        )
    user = get_user_model().objects.filter(username=name, is_active=True).first()
    if user is None:
        raise AccessDeniedError(_("no active account named %(name)r") % {"name": name}, field="as")
    require(user, data, at_least=at_least)
    return user
