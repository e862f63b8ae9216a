"""App config for runs."""

from django.apps import AppConfig


class RunsConfig(AppConfig):
    """Training and distillation jobs, and the models they produce."""

    name = "webapp.runs"
    label = "runs"
    verbose_name = "Runs"

    def ready(self) -> None:
        from webapp.runs import services  # noqa: F401  (registers RunLifecycle with the reaper)
