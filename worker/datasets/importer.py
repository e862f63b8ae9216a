"""Import one uploaded file into a new dataset version: what the Celery task and `import_dataset` both run.

Read with kdcore (every format and its errors live there), store each distinct face once, then hand the rows to
one service call that writes the version, its items and the import's outcome in a single transaction. Any error
marks the import failed with a message for the user; nothing of the version exists until that transaction commits.
A rejected file (kdcore's `DatasetError`: a wrong layout, a bad CSV) is permanent, logged as one line and not offered
for retry; an unexpected error is transient (retry offered) and logged with its traceback.
"""

import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError

from kdcore.data import DatasetError, FaceArrays, read_faces
from webapp.datasets import selectors, services
from webapp.datasets.models import DatasetVersion
from webapp.datasets.storage import upload_absolute_path
from worker.datasets.faces import faces_store
from worker.datasets.progress import STORING, Echo, ImportProgress
from worker.failures import TaskFailedError
from worker.lifecycle import TaskHeartbeat

logger = logging.getLogger(__name__)


class DatasetImportError(TaskFailedError):
    """The import ended without a version; its record holds the message the user sees (and whether a retry of the
    same file could succeed)."""


def import_run(import_id: int, *, hostname: str = "", echo: Echo | None = None) -> DatasetVersion | None:
    """Run import `import_id`; None when it had already ended (a redelivered task does nothing).

    Raises:
        DatasetImportError: after marking the import failed, with the same message.
    """
    if services.dataset_import_start(import_id=import_id, hostname=hostname) is None:
        logger.info("dataset import %s already ended; nothing to do", import_id)
        return None
    beat = partial(services.dataset_import_heartbeat, import_id=import_id)
    try:
        with TaskHeartbeat(beat, name=f"import-{import_id}", interval=settings.TASK_HEARTBEAT_SECONDS):
            return _import(import_id, ImportProgress(import_id, echo=echo))
    except (DatasetError, DatasetImportError) as error:  # the file itself: the same upload fails the same way
        message, retryable = str(error), False
    except ValidationError as error:  # what it holds (no face, a name twice): likewise
        message, retryable = " ".join(error.messages), False
    except Exception as error:  # a fault of ours (disk, database): worth a retry, and worth its traceback
        logger.exception("dataset import %s stopped on an unexpected error", import_id)
        message = f"The import stopped on an unexpected error ({type(error).__name__}: {error}). Nothing was imported."
        retryable = True
    if not retryable:
        logger.info("dataset import %s rejected: %s", import_id, message)
    services.dataset_import_fail(import_id=import_id, message=message, retryable=retryable)
    raise DatasetImportError(message)


def _import(import_id: int, progress: ImportProgress) -> DatasetVersion:
    dataset_import = selectors.dataset_import_get_for_worker(import_id=import_id)
    name = dataset_import.upload.name  # the field is required, so only a damaged row lacks it
    path = upload_absolute_path(name) if name else None
    if path is None or not path.is_file():
        raise DatasetImportError(
            f"The uploaded file {dataset_import.original_name} is missing from the server's storage."
        )
    arrays = read_faces(path, image_size=dataset_import.image_size, progress=progress.reading)
    progress.step(STORING[0], f"Storing {len(arrays):,} faces")
    hashes = faces_store(arrays.images, progress=progress.storing)
    progress.step(STORING[1], f"Saving {len(arrays):,} faces as a new version")
    return services.dataset_import_complete(
        import_id=import_id, rows=_rows(arrays, hashes), skipped=[(item.name, item.reason) for item in arrays.skipped]
    )


def _rows(arrays: FaceArrays, hashes: list[str]) -> list[services.FaceRow]:
    labels, splits = arrays.labels.tolist(), arrays.splits.tolist()
    return [
        services.FaceRow(name, label, split, sha)
        for name, label, split, sha in zip(arrays.names, labels, splits, hashes, strict=True)
    ]
