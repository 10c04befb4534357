from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "exhume.casework"
    label = "casework"
    verbose_name = "Case records"
    default_auto_field = "django.db.models.BigAutoField"
