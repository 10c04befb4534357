from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "exhume.families"
    label = "families"
    verbose_name = "Families and missing persons"
    default_auto_field = "django.db.models.BigAutoField"
