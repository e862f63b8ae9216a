"""App config for reviews."""

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Review and relabel: label-quality scores, keyboard review, audited decisions, committed versions."""

    name = "webapp.reviews"
    label = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        from webapp.reviews import services  # noqa: F401  (registers the scoring lifecycle with the reaper)
