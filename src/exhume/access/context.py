"""Template context: what the current user may see, for showing only the links they may follow."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from exhume.access.policy import Data, Level, level_of, may_edit, role_label, role_of


def policy(request: HttpRequest) -> dict[str, Any]:
    """``may.<kind>``: sees that kind at all; ``coded.<kind>``: sees it coded only;
    ``edits.<kind>``: may add and correct it; ``role``/``role_label``: the account's role."""
    user = getattr(request, "user", None)
    levels = {d.value: level_of(user, d) for d in Data}
    role = role_of(user)
    return {
        "may": {k: v > Level.NONE for k, v in levels.items()},
        "coded": {k: v is Level.CODED for k, v in levels.items()},
        "full": {k: v is Level.FULL for k, v in levels.items()},
        "opens": {k: v >= Level.CODED for k, v in levels.items()},
        "edits": {d.value: may_edit(user, d) for d in Data},
        "role": role,
        "role_label": role_label(role) if role else "",
    }
