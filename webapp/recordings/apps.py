"""App config for recordings."""

from django.apps import AppConfig


class RecordingsConfig(AppConfig):
    """Session recordings: chunked uploads, preparation, per-frame emotion analyses and their reports."""

    name = "webapp.recordings"
    label = "recordings"
    verbose_name = "Recordings"

    def ready(self) -> None:
        from webapp.recordings import services  # noqa: F401  (registers the lifecycles with the reaper)
