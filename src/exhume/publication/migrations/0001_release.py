"""``Release`` taken over from the audit app (its table ``audit_release`` renamed, rows kept),
and ``site_slug`` replaced by a foreign key to the site, so that a site whose slug is corrected
keeps its releases."""

import django.db.models.deletion
from django.db import migrations, models


def _site_of_each_release(apps, schema_editor):  # type: ignore[no-untyped-def]
    release_model = apps.get_model("publication", "Release")
    site_model = apps.get_model("casework", "Site")
    sites = dict(site_model.objects.values_list("slug", "pk"))
    for release in release_model.objects.all():
        if release.site_slug not in sites:
            raise RuntimeError(
                f"release {release.label}: no site with slug {release.site_slug!r}; restore the "
                "site (or correct its slug back) before migrating"
            )
        release.site_id = sites[release.site_slug]
        release.save(update_fields=["site"])


def _slug_of_each_release(apps, schema_editor):  # type: ignore[no-untyped-def]
    release_model = apps.get_model("publication", "Release")
    for release in release_model.objects.select_related("site"):
        release.site_slug = release.site.slug
        release.save(update_fields=["site_slug"])


def _content_type_to(app_label):  # type: ignore[no-untyped-def]
    """Keep the admin permissions of releases: their content type follows the model."""

    def move(apps, schema_editor):  # type: ignore[no-untyped-def]
        content_type = apps.get_model("contenttypes", "ContentType")
        old = "publication" if app_label == "audit" else "audit"
        content_type.objects.filter(app_label=old, model="release").update(app_label=app_label)

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("audit", "0004_release_moves_to_publication"),
        ("casework", "0002_grave_number_and_body"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Release",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("site_slug", models.SlugField()),
                        ("number", models.PositiveIntegerField()),
                        ("label", models.CharField(max_length=120, unique=True)),
                        ("tree_size", models.BigIntegerField()),
                        ("root", models.CharField(help_text="Merkle root at tree_size, hex", max_length=64)),
                        ("checkpoint", models.TextField(help_text="the signed C2SP checkpoint note")),
                        ("log_key", models.CharField(help_text="vkey of the key that signed it", max_length=300)),
                        ("directory", models.CharField(help_text="the bundle's folder, relative to EXHUME_DATA_DIR", max_length=500)),
                        ("created_at", models.DateTimeField()),
                    ],
                    options={
                        "db_table": "audit_release",
                        "ordering": ["site_slug", "number"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("site_slug", "number"), name="unique_release_number"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="release", table=None),
        migrations.RunPython(_content_type_to("publication"), _content_type_to("audit")),
        migrations.AddField(
            model_name="release",
            name="site",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="releases",
                to="casework.site",
            ),
        ),
        migrations.RemoveConstraint(model_name="release", name="unique_release_number"),
        migrations.RunPython(_site_of_each_release, _slug_of_each_release),
        migrations.AlterModelOptions(name="release", options={"ordering": ["site", "number"]}),
        # a default, so that migrating back can add the column again before filling it
        migrations.AlterField(
            model_name="release", name="site_slug", field=models.SlugField(default="")
        ),
        migrations.RemoveField(model_name="release", name="site_slug"),
        migrations.AlterField(
            model_name="release",
            name="site",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="releases",
                to="casework.site",
            ),
        ),
        migrations.AddConstraint(
            model_name="release",
            constraint=models.UniqueConstraint(
                fields=("site", "number"), name="unique_release_number"
            ),
        ),
    ]
