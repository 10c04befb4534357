from django.apps import AppConfig


class DnaConfig(AppConfig):
    name = "exhume.dna"
    label = "dna"
    verbose_name = "DNA: samples, profiles, relatives and pedigrees"
    default_auto_field = "django.db.models.BigAutoField"
