"""One word per thing: the number on a grave's cross is the grave number ("marker" now names
only an STR locus), and a body part's body is ``body`` (``Site.part_of`` is the war).

Data is kept (columns renamed in place). The audit log's commitments keep the old names through
each model's ``logged_as``, so every record logged before this migration still opens them.
"""

from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]

    operations = [
        migrations.RemoveConstraint(model_name="grave", name="unique_grave_marker"),
        migrations.RenameField(model_name="grave", old_name="marker_label", new_name="grave_number"),
        migrations.RenameField(
            model_name="grave", old_name="marker_inscription", new_name="inscription"
        ),
        migrations.RenameField(
            model_name="burialjournalentry", old_name="marker_number", new_name="grave_number"
        ),
        migrations.RenameField(model_name="remains", old_name="part_of", new_name="body"),
        migrations.AlterField(
            model_name="burialjournalentry",
            name="grave",
            field=models.ForeignKey(
                blank=True,
                help_text="the grave bearing this number, when one was found",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="journal_entries",
                to="casework.grave",
            ),
        ),
        migrations.AddConstraint(
            model_name="grave",
            constraint=models.UniqueConstraint(
                fields=("site", "grave_number"), name="unique_grave_number"
            ),
        ),
    ]
