"""``Release`` moves to the publication app, which writes it (issue 8, "one noun, one home").

State only: the table is kept and taken over by ``publication/0001_release``, which renames it
and turns ``site_slug`` into a foreign key to the site. No row is lost.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_release_directory_relative")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Release")],
            database_operations=[],
        )
    ]
