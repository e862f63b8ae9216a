"""App config for system."""

from django.apps import AppConfig


class SystemConfig(AppConfig):
    """Dashboard, health and the Studio's own processes."""

    name = "webapp.system"
    label = "system"
    verbose_name = "System"
