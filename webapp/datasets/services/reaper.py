"""The import reaper: an import whose worker died is failed with the reason, so it never shows "Importing" forever.

It runs where the job reaper runs (`manage.py reap_runs` beside `./studio up`, and lazily when imports are shown),
because the worker that should report the problem is the one that died. Nothing is lost: the upload stays on the
server and the failed import says how to try again.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from webapp.datasets.models import DatasetImport
from webapp.datasets.services.imports import dataset_import_fail
from webapp.system import selectors as system_selectors

logger = logging.getLogger(__name__)


def _is_stale(dataset_import: DatasetImport, *, live: set[str] | None, now: datetime) -> bool:
    """Its worker left the registry, or it has been silent far longer than any step of an import takes.

    An import run by `manage.py import_dataset` has no worker hostname: only its silence counts.
    """
    silent_since = dataset_import.updated_at or dataset_import.created_at
    if silent_since < now - timedelta(seconds=settings.IMPORT_STALE_SECONDS):
        return True
    host, started = dataset_import.worker_hostname, dataset_import.started_at
    return bool(host) and system_selectors.worker_left(hostname=host, started_at=started, live=live, now=now)


def _message(dataset_import: DatasetImport) -> str:
    return (
        f"Worker {dataset_import.worker_hostname or '(unknown)'} stopped responding at "
        f"{dataset_import.progress:.0%} of the import, so it was stopped. Nothing was imported; the upload is "
        "kept: retry the import to run it again."
    )


def dataset_import_reap_stale(*, now: datetime | None = None) -> list[int]:
    """Fail every running import whose worker stopped responding; returns their ids."""
    running = list(DatasetImport.objects.filter(status=DatasetImport.Status.RUNNING))
    if not running:
        return []
    now, live = now or timezone.now(), system_selectors.worker_hostnames_live()
    reaped = []
    for dataset_import in running:
        if not _is_stale(dataset_import, live=live, now=now):
            continue
        if dataset_import_fail(import_id=dataset_import.pk, message=_message(dataset_import), only_if_running=True):
            logger.warning(
                "import #%s failed: worker %s stopped responding", dataset_import.pk, dataset_import.worker_hostname
            )
            reaped.append(dataset_import.pk)
    return reaped
