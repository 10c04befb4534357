from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "exhume.access"
    label = "access"
    verbose_name = _("Access: roles, restrictions and the access log")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from exhume.access.permissions import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="exhume.access.sync_roles")
