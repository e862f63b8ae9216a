"""The Celery app, configured from Django settings (CELERY_ namespace), with the Studio's tasks."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

app = Celery("worker")
app.config_from_object("django.conf:settings", namespace="CELERY")
# `worker.tasks` holds the tasks; `worker.heartbeat` only connects signals, so it is listed explicitly.
app.conf.imports = ("worker.tasks", "worker.heartbeat")
