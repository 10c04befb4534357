"""The roles as Django groups: field, morgue, lab, board, liaison, investigator, admin.

Their permissions are set from the policy after every migration
(:func:`exhume.access.permissions.sync_role_permissions`, on ``post_migrate``), because a fresh
database has no permission rows until migrations have run.
"""

from django.db import migrations

ROLES = ("field", "morgue", "lab", "board", "liaison", "investigator", "admin")


def create_roles(apps, schema_editor):
    group = apps.get_model("auth", "Group")
    for name in ROLES:
        group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
