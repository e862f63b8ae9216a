"""The Celery worker: `celery -A worker worker -Q gpu,cpu`."""

from worker.celery import app

__all__ = ["app"]
