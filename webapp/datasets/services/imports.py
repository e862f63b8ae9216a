"""Writes of uploads and their imports: save the file, queue the worker, record its progress and outcome.

An upload is checked (`archives.upload_inspect`) before anything is stored, then saved as sent before it is queued,
so a worker that dies or a bad row later never loses it. The worker's rows land in one transaction with the
import's outcome: a failed import leaves no version and no items behind.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from webapp import events, jobs
from webapp.accounts.models import Team, User
from webapp.datasets.archives import ArchiveLimits, UploadSummary, upload_inspect
from webapp.datasets.models import Dataset, DatasetImport, DatasetVersion
from webapp.datasets.serializers import dataset_import_payload
from webapp.datasets.services.versions import FaceRow, version_create
from webapp.system.lifecycle import Lifecycle, register

MIN_IMAGE_SIZE, MAX_IMAGE_SIZE = 16, 256


def archive_limits() -> ArchiveLimits:
    """The configured limits on what one upload may unpack to (settings `STUDIO_ARCHIVE_*`)."""
    return ArchiveLimits(
        max_bytes=settings.STUDIO_ARCHIVE_MAX_UNPACKED_MB * 1024 * 1024,
        max_members=settings.STUDIO_ARCHIVE_MAX_FILES,
        max_ratio=settings.STUDIO_ARCHIVE_MAX_RATIO,
    )


def _publish(dataset_import: DatasetImport) -> None:
    """Tell watchers after the commit. Robust: the row is the truth and pages catch up from it, so an unreachable
    Redis (say, `import_dataset` run while the Studio is down) is logged, never fatal to an import."""
    payload = dataset_import_payload(dataset_import)
    transaction.on_commit(lambda: events.publish_dataset_import(import_id=dataset_import.pk, data=payload), robust=True)


@transaction.atomic
def dataset_create(*, team: Team, user: User | None, name: str, description: str = "") -> Dataset:
    """An empty dataset; its versions come from imports."""
    name = name.strip()
    if Dataset.objects.filter(team=team, name__iexact=name).exists():
        raise ValidationError({"name": f"Your team already has a dataset named {name!r}: pick another name."})
    dataset = Dataset(team=team, created_by=user, name=name, description=description.strip())
    dataset.full_clean()
    dataset.save()
    return dataset


@transaction.atomic
def dataset_import_create(
    *, dataset: Dataset, user: User | None, upload: File, image_size: int = 48, enqueue: bool = True
) -> DatasetImport:
    """Check and store an upload for `dataset`, and queue its import once the row is committed.

    `enqueue=False` leaves the queueing to the caller (the `import_dataset` command runs it in-process).

    Raises:
        ValidationError: for an unsafe, empty or unsupported upload, or an image size out of range.
    """
    name = upload.name or "upload"
    if not MIN_IMAGE_SIZE <= image_size <= MAX_IMAGE_SIZE:
        raise ValidationError({"image_size": f"must be {MIN_IMAGE_SIZE}-{MAX_IMAGE_SIZE} pixels, got {image_size}"})
    summary = upload_inspect(upload, name=name, size=upload.size or 0, limits=archive_limits())
    dataset_import = _import_new(dataset=dataset, user=user, upload=upload, summary=summary, image_size=image_size)
    if enqueue:
        transaction.on_commit(lambda: jobs.enqueue_dataset_import(import_id=dataset_import.pk))
    return dataset_import


def _import_new(
    *, dataset: Dataset, user: User | None, upload: File, summary: UploadSummary, image_size: int
) -> DatasetImport:
    name = (upload.name or "upload").rsplit("/", 1)[-1]
    dataset_import = DatasetImport(
        team=dataset.team, dataset=dataset, created_by=user, original_name=name[:255], size_bytes=upload.size or 0,
        kind=summary.kind, image_size=image_size, message="Waiting for a worker",
        skipped=[{"name": member, "reason": reason} for member, reason in summary.skipped],
        skipped_count=summary.skipped_count,
    )  # fmt: skip
    upload.seek(0)
    dataset_import.upload.save(name, upload, save=False)
    try:
        dataset_import.full_clean()
        dataset_import.save()
    except BaseException:
        dataset_import.upload.delete(save=False)  # nothing half-stored
        raise
    return dataset_import


@transaction.atomic
def dataset_import_retry(*, dataset_import: DatasetImport, user: User | None) -> DatasetImport:
    """Queue a new import of a failed import's stored upload (the file is shared, not copied).

    Raises:
        ValidationError: when the import did not fail, failed on the file itself, or its upload is gone.
    """
    if dataset_import.status != DatasetImport.Status.FAILED:
        raise ValidationError(
            f"Only a failed import can be retried; this one is {dataset_import.get_status_display()}."
        )
    if not dataset_import.retryable:
        raise ValidationError(
            f"{dataset_import.original_name} itself cannot be imported (see the error above): importing it again "
            "would fail the same way. Upload a corrected file."
        )
    if (retry := dataset_import.live_retry) is not None:
        raise ValidationError(f"Import #{retry.pk} already retries it ({retry.get_status_display().lower()}).")
    if not dataset_import.upload_exists:
        raise ValidationError(f"The upload {dataset_import.original_name} is no longer on the server: upload it again.")
    retry = DatasetImport.objects.create(
        team=dataset_import.team, dataset=dataset_import.dataset, created_by=user, upload=dataset_import.upload.name,
        original_name=dataset_import.original_name, size_bytes=dataset_import.size_bytes, kind=dataset_import.kind,
        image_size=dataset_import.image_size, message="Waiting for a worker", retry_of=dataset_import,
    )  # fmt: skip
    transaction.on_commit(lambda: jobs.enqueue_dataset_import(import_id=retry.pk))
    return retry


def _failed_only(*, team: Team, name: str) -> Dataset | None:
    """The team's dataset called `name` when every import of it failed and it holds no version: the name is free to
    use again."""
    dataset = Dataset.objects.select_for_update().filter(team=team, name__iexact=name.strip()).first()
    if dataset is None or dataset.versions.exists():
        return None
    statuses = set(dataset.imports.values_list("status", flat=True))
    return dataset if statuses == {DatasetImport.Status.FAILED} else None


@transaction.atomic
def dataset_upload_create(
    *, team: Team, user: User | None, name: str, upload: File, image_size: int = 48, description: str = ""
) -> DatasetImport:
    """A new dataset and the import of its first version from `upload`, queued after the commit.

    A failed import does not keep the name taken: uploading under the name of a dataset whose every import failed
    imports into that dataset (the failed imports stay listed there, as history).
    """
    dataset = _failed_only(team=team, name=name)
    if dataset is None:
        dataset = dataset_create(team=team, user=user, name=name, description=description)
    elif description.strip():
        dataset.description = description.strip()
        dataset.save(update_fields=("description",))
    return dataset_import_create(dataset=dataset, user=user, upload=upload, image_size=image_size)


class ImportLifecycle(Lifecycle[DatasetImport]):
    """Imports in the shared worker-task lifecycle: a failure adds its reason to `errors`; nothing is imported."""

    model = DatasetImport
    noun = "import"
    task_name = jobs.DATASET_IMPORT

    def publish(self, task: DatasetImport) -> None:
        _publish(task)

    def send(self, task: DatasetImport) -> None:
        jobs.enqueue_dataset_import(import_id=task.pk)

    def fail_fields(self, task: DatasetImport, message: str) -> dict[str, Any]:
        return {"errors": [*task.errors, message], "message": "Import failed: nothing was imported"}

    def stale_message(self, task: DatasetImport) -> str:
        return (
            f"Worker {task.worker_hostname or '(unknown)'} stopped responding at {task.progress:.0%} of the import, "
            "so it was stopped. Nothing was imported; the upload is kept: retry the import to run it again."
        )


IMPORTS = register(ImportLifecycle())


def dataset_import_start(*, import_id: int, hostname: str = "") -> DatasetImport | None:
    """Mark an import running on worker `hostname`; None when it already ended (a redelivered task must not import
    twice)."""
    return IMPORTS.claim(import_id, hostname=hostname, message="Reading the upload")


def dataset_import_heartbeat(*, import_id: int) -> bool:
    """Say the import's worker is alive; False when the import is no longer running."""
    return IMPORTS.heartbeat(import_id)


@transaction.atomic
def dataset_import_progress(*, import_id: int, progress: float, message: str) -> None:
    """Record how far a running import got (a sign of life too), and tell everyone watching it."""
    dataset_import = IMPORTS.locked(import_id)
    dataset_import.progress = min(max(progress, 0.0), 1.0)
    dataset_import.message = message[:255]
    dataset_import.heartbeat_at = timezone.now()
    dataset_import.save(update_fields=("progress", "message", "heartbeat_at", "updated_at"))
    _publish(dataset_import)


def dataset_import_fail(*, import_id: int, message: str, retryable: bool = True, only_if_running: bool = False) -> bool:
    """End an import with the reason, in words the user can act on; it created no version.

    `retryable=False` says the file itself is the problem (a wrong layout, no faces): importing it again would fail
    the same way, so the page offers no "Retry import". With `only_if_running` (the reaper), an import that ended
    meanwhile is left as it is; returns whether it failed.
    """
    return IMPORTS.fail(import_id, message, only_if_running=only_if_running, retryable=retryable) is not None


def dataset_import_reap_stale(*, now: datetime | None = None) -> list[int]:
    """Fail every running import whose worker stopped responding; returns their ids (`manage.py reap` runs it)."""
    return IMPORTS.reap_stale(now=now)


@transaction.atomic
def dataset_import_complete(
    *, import_id: int, rows: Sequence[FaceRow], skipped: Sequence[tuple[str, str]]
) -> DatasetVersion:
    """Create the version from the worker's rows and end the import, all in one transaction.

    `skipped` lists (file, reason) for files the reader left out; they are added to the ones the upload check
    found. The face files must already be stored (`face_file_write`), which is idempotent.
    """
    dataset_import = IMPORTS.locked(import_id)  # the reaper waits until the version and the outcome are committed
    if not dataset_import.is_active:
        raise ValidationError(f"Import #{import_id} already ended ({dataset_import.status}).")
    version = version_create(
        dataset=dataset_import.dataset, rows=rows, image_size=dataset_import.image_size,
        user=dataset_import.created_by, note=f"Imported from {dataset_import.original_name}",
    )  # fmt: skip
    listed = [{"name": name, "reason": reason} for name, reason in skipped]
    finished = IMPORTS.finish(
        import_id, DatasetImport.Status.SUCCEEDED, version=version, progress=1.0,
        skipped=[*dataset_import.skipped, *listed][: DatasetImport.SKIPPED_LISTED],
        skipped_count=dataset_import.skipped_count + len(skipped),
        message=f"Imported {version.item_count:,} faces as {version.label}",
    )  # fmt: skip
    assert finished is not None, "the row lock keeps the import active until the commit"
    return version
