"""The role groups' Django permissions, kept equal to the policy after every migration.

The admin and anything else that asks ``user.has_perm`` then agree with
:mod:`exhume.access.policy`: a role may view a model's admin pages when it sees the model's kind
of data in full, and add or change records when it may also edit that kind.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps

from exhume.access.endpoints import MODEL_DATA
from exhume.access.policy import EDITS, ROLES, Data, Level, level_for_role


def codenames_for(role: str, model_label: str) -> list[str]:
    """The permission codenames (``view_remains`` ...) this role gets on one model."""
    data = MODEL_DATA[model_label]
    name = model_label.split(".")[1]
    # the identification pages check view_proposal themselves and show each level its part
    # (coded for the DNA analyst, signed identifications for family liaison)
    minimum = Level.AFTER_IDENTIFICATION if data is Data.IDENTIFICATION else Level.FULL
    if level_for_role(role, data) < minimum:
        return []
    names = [f"view_{name}"]
    if data in EDITS[role] and level_for_role(role, data) is Level.FULL:
        names += [f"add_{name}", f"change_{name}"]
    return names


def sync_role_permissions(sender: Any = None, *, apps: Any = global_apps, **_: Any) -> None:
    """Create the role groups if missing and set each one's permissions from the policy.

    ``post_migrate`` is sent once per installed app; the groups are synced once, after the last
    app (whose signal comes after every app's permissions exist), with one query for all
    permissions instead of one per role, model and codename."""
    if sender is not None and sender.label != list(global_apps.get_app_configs())[-1].label:
        return
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    by_key = {
        (p.content_type.app_label, p.content_type.model, p.codename): p
        for p in permission_model.objects.select_related("content_type")
    }
    for role in ROLES:
        group, _created = group_model.objects.get_or_create(name=role)
        wanted = []
        for label in MODEL_DATA:
            app_label, model = label.split(".")
            for codename in codenames_for(role, label):
                permission = by_key.get((app_label, model, codename))
                if permission is not None:
                    wanted.append(permission)
        group.permissions.set(wanted)
