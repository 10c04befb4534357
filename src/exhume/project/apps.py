from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The site as a whole: registers exhume's own deployment checks."""

    name = "exhume.project"
    label = "exhume_project"
    verbose_name = "exhume"

    def ready(self) -> None:
        from exhume.project import checks  # noqa: F401  (registers the checks)
