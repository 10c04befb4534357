from django.apps import AppConfig


class MapsConfig(AppConfig):
    name = "exhume.maps"
    label = "maps"
    verbose_name = "Maps and site plans"
    default_auto_field = "django.db.models.BigAutoField"
