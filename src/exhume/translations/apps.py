from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationsConfig(AppConfig):
    name = "exhume.translations"
    label = "translations"
    verbose_name = _("Translations")

    def ready(self) -> None:
        from exhume.translations.catalog import compile_catalogs

        compile_catalogs()
