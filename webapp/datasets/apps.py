"""App config for datasets."""

from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    """Face datasets: uploads, imports, versions, items and the images they share."""

    name = "webapp.datasets"
    label = "datasets"
    verbose_name = "Datasets"

    def ready(self) -> None:
        from webapp.datasets import services  # noqa: F401  (registers ImportLifecycle with the reaper)
