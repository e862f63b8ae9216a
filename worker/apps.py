"""App config for the worker: registered in INSTALLED_APPS only so Django finds its management commands.

The web app never imports `worker`; settings name it as a string, and only `manage.py` loads the commands.
"""

from django.apps import AppConfig


class WorkerConfig(AppConfig):
    """Commands that run worker code in-process, such as `import_dataset`."""

    name = "worker"
    label = "worker"
    verbose_name = "Worker"
