"""Recordings: store an upload, prepare it on a worker (probe, poster, playable copy), delete it with every file.

Preparation is a worker task in the shared lifecycle (`PreparationLifecycle`). The probe decides whether the file is
usable: if not, the original is deleted at once (nothing half-stored stays behind) and the recording keeps only the
reason, for the page and the API; its waiting analyses fail with the same reason.
"""

import shutil
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from webapp import events, jobs
from webapp.accounts.models import Team, User
from webapp.recordings import storage
from webapp.recordings.models import Analysis, Recording
from webapp.recordings.serializers import recording_payload
from webapp.system.lifecycle import Lifecycle, register


def _publish(recording: Recording) -> None:
    """Tell the recording's watchers after the commit; best effort (the row is the record)."""
    payload = recording_payload(recording)
    transaction.on_commit(lambda: events.publish_recording_status(recording_id=recording.pk, data=payload), robust=True)


class PreparationLifecycle(Lifecycle[Recording]):
    """A recording's preparation in the shared worker-task lifecycle."""

    model = Recording
    noun = "recording"
    task_name = jobs.RECORDING_PREPARE

    def publish(self, task: Recording) -> None:
        _publish(task)

    def send(self, task: Recording) -> None:
        jobs.enqueue_recording_prepare(recording_id=task.pk)

    def fail_fields(self, task: Recording, message: str) -> dict[str, Any]:
        return {"message": message}

    def stale_message(self, task: Recording) -> str:
        return (
            f"Worker {task.worker_hostname or '(unknown)'} stopped responding while preparing the recording. "
            "Its file is kept: analyse it, or delete it and upload it again."
        )


PREPARATIONS = register(PreparationLifecycle())


@transaction.atomic
def recording_create(
    *, team: Team, user: User | None, name: str, original_name: str, source: Path, size_bytes: int,
    options: dict[str, Any],
) -> Recording:  # fmt: skip
    """A recording from a complete file at `source` (moved into the recording's folder); preparation is queued."""
    recording = Recording(
        team=team, created_by=user, name=name[:200], original_name=original_name[:255], size_bytes=size_bytes,
        message="Waiting for a worker to read the file",
    )  # fmt: skip
    recording.full_clean()
    recording.save()
    suffix = Path(original_name).suffix.lower()
    recording.original_path = f"{recording.folder}/original{suffix}"
    target = storage.media_path(recording.original_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(source, target)
    recording.save(update_fields=("original_path",))
    _queue_requested_analysis(recording, user=user, options=options)
    transaction.on_commit(lambda: jobs.enqueue_recording_prepare(recording_id=recording.pk))
    return recording


def _queue_requested_analysis(recording: Recording, *, user: User | None, options: dict[str, Any]) -> None:
    """The analysis asked for at upload time waits (queued) until the recording is prepared."""
    if not options.get("analyse", True):
        return
    from webapp.recordings.services.analyses import analysis_create

    analysis_create(recording=recording, user=user, model_run=options.get("model_run"), enqueue=False)


def recording_prepare_start(*, recording_id: int, hostname: str) -> Recording | None:
    """Claim a recording's preparation for worker `hostname`; None when deleted, claimed or ended meanwhile."""
    if not Recording.objects.filter(pk=recording_id).exists():
        return None
    return PREPARATIONS.claim(recording_id, hostname=hostname, message="Reading the file")


def recording_prepare_heartbeat(*, recording_id: int, message: str | None = None) -> bool:
    """Say preparation is alive (and what it is doing); False when it no longer runs (deleted, reaped)."""
    return PREPARATIONS.heartbeat(recording_id, **({} if message is None else {"message": message[:500]}))


@transaction.atomic
def recording_probed(*, recording_id: int, info: dict[str, Any], poster_path: str, message: str) -> Recording:
    """Record what the probe found and the poster; the analyses waiting for it are queued now."""
    recording = PREPARATIONS.locked(recording_id)
    recording.info, recording.poster_path, recording.message = info, poster_path, message
    recording.heartbeat_at = timezone.now()
    recording.save(update_fields=("info", "poster_path", "message", "heartbeat_at"))
    _publish(recording)
    from webapp.recordings.services.analyses import analyses_enqueue_waiting

    analyses_enqueue_waiting(recording=recording)
    return recording


def recording_prepare_succeeded(*, recording_id: int, playable_path: str) -> Recording | None:
    """Preparation ended: the browser plays `playable_path` (or the original, when it is '')."""
    message = "Ready" if playable_path or not _needs_copy(recording_id) else "Ready (the browser cannot play it)"
    return PREPARATIONS.finish(recording_id, Recording.Status.SUCCEEDED, playable_path=playable_path, message=message)


def _needs_copy(recording_id: int) -> bool:
    info = Recording.objects.filter(pk=recording_id).values_list("info", flat=True).first() or {}
    return not info.get("browser_playable", False) and not info.get("is_image", False)


@transaction.atomic
def recording_prepare_fail(*, recording_id: int, message: str, unusable: bool) -> Recording | None:
    """Preparation failed; an `unusable` file (not a decodable video) is deleted at once, and so are waiting
    analyses failed with the same reason."""
    recording = PREPARATIONS.fail(recording_id, message)
    if recording is None:
        return None
    if unusable and recording.original_path:
        original = storage.media_path(recording.original_path)
        recording.original_path = ""
        recording.save(update_fields=("original_path",))
        transaction.on_commit(lambda: storage.tree_delete(original))
    from webapp.recordings.services.analyses import analyses_fail_waiting

    analyses_fail_waiting(recording=recording, message=message)
    return recording


def recording_stop_requested(*, recording_id: int) -> bool:
    """Whether preparation should stop: the recording was deleted (or its preparation reaped)."""
    return not Recording.objects.filter(pk=recording_id, status=Recording.Status.RUNNING).exists()


@transaction.atomic
def recording_delete(*, recording: Recording) -> None:
    """Delete a recording and every file of it: original, playable copy, poster, analyses and their results.

    Refused while one of its analyses runs (cancel it first: it stops within seconds). A preparation that still
    runs notices the recording is gone, stops, and removes what it wrote after this.
    """
    running = recording.analyses.filter(status=Analysis.Status.RUNNING).first()
    if running is not None:
        raise ValidationError(f"Analysis #{running.pk} of this recording is running: cancel it first, then delete.")
    folder = storage.recording_folder(recording.pk)
    part = storage.upload_part_path(recording.upload.pk) if hasattr(recording, "upload") else None
    recording.delete()
    transaction.on_commit(lambda: _delete_files(folder, part))


def _delete_files(folder: Path, part: Path | None) -> None:
    storage.tree_delete(folder)
    if part is not None:
        storage.tree_delete(part)
