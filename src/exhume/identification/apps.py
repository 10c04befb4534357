from django.apps import AppConfig


class IdentificationConfig(AppConfig):
    name = "exhume.identification"
    label = "identification"
    verbose_name = "Identification"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from exhume.dna.consent_actions import consent_withdrawn
        from exhume.identification.consent import on_consent_withdrawn

        consent_withdrawn.connect(on_consent_withdrawn, dispatch_uid="identification-consent")
