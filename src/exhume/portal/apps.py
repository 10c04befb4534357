from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "exhume.portal"
    label = "portal"
    verbose_name = "Family portal"
    default_auto_field = "django.db.models.BigAutoField"
