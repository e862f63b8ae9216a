"""The reaper: a job whose worker went quiet is failed with the reason, so it never looks "running" forever.

It runs on the web side (the `./studio up` loop, and lazily whenever jobs are listed or opened), because
the worker that should report the problem is the one that died.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from webapp.runs.models import Run
from webapp.runs.services.progress import run_mark_failed
from webapp.system import selectors as system_selectors

logger = logging.getLogger(__name__)


def _is_stale(run: Run, *, live: set[str] | None, now: datetime) -> bool:
    """Its job heartbeat is too old, or its worker left the registry."""
    if run.heartbeat_at is None or run.heartbeat_at < now - timedelta(seconds=settings.RUN_STALE_SECONDS):
        return True
    return system_selectors.worker_left(hostname=run.worker_hostname, started_at=run.started_at, live=live, now=now)


def _message(run: Run) -> str:
    return (
        f"Worker {run.worker_hostname or '(unknown)'} stopped responding after {run.epochs_done} of "
        f"{run.config.get('epochs', '?')} epochs, so the job was stopped. Retry it to run it again."
    )


def run_reap_stale(*, now: datetime | None = None) -> list[int]:
    """Fail every running job whose worker stopped responding; returns their ids."""
    running = list(Run.objects.filter(status=Run.Status.RUNNING))
    if not running:
        return []
    now, live = now or timezone.now(), system_selectors.worker_hostnames_live()
    reaped = []
    for run in running:
        if _is_stale(run, live=live, now=now) and run_mark_failed(run_id=run.pk, message=_message(run)):
            logger.warning("job #%s failed: worker %s stopped responding", run.pk, run.worker_hostname)
            reaped.append(run.pk)
    return reaped
