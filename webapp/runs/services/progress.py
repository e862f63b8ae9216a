"""What a worker records about a job: it started, it is alive, an epoch finished, and how it ended.

Every write is conditional on the job still being active, so a worker that lost its job (cancelled, or
failed by the reaper after its host went quiet) cannot bring it back to life.
"""

import math
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from webapp import events
from webapp.runs.models import Run, RunEpoch
from webapp.runs.services._publish import publish_status


@dataclass(frozen=True)
class RunArtifacts:
    """What a finished job leaves behind: files relative to MEDIA_ROOT, and measurements of the model."""

    checkpoint_path: str
    onnx_path: str
    parameters: int
    size_bytes: int
    latency_ms: float | None
    onnx_max_abs_diff: float | None = None  # largest logit gap between the ONNX file and PyTorch


def json_safe(value: Any) -> Any:
    """NaN and infinities (a diverged loss) become None: JSON, PostgreSQL's jsonb and browsers refuse them."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


@transaction.atomic
def run_start(*, run_id: int, hostname: str, device: str) -> Run | None:
    """Claim a queued job for the worker `hostname`; None when it was cancelled or claimed meanwhile."""
    run = Run.objects.select_for_update().get(pk=run_id)
    if run.status != Run.Status.QUEUED:
        return None
    now = timezone.now()
    run.status, run.started_at, run.heartbeat_at = Run.Status.RUNNING, now, now
    run.worker_hostname, run.device = hostname, device
    run.full_clean()
    run.save()
    publish_status(run)
    return run


def run_heartbeat(*, run_id: int, progress: dict[str, Any] | None = None) -> bool:
    """Say the job is alive (and where it got to); False when it is no longer running here.

    A single UPDATE, cheap enough to run every second or so from a training loop.
    """
    fields: dict[str, Any] = {"heartbeat_at": timezone.now()}
    if progress is not None:
        fields["progress"] = json_safe(progress)
    return Run.objects.filter(pk=run_id, status=Run.Status.RUNNING).update(**fields) > 0


@transaction.atomic
def run_epoch_record(*, run_id: int, event: dict[str, Any]) -> bool:
    """Store one validated epoch and push it to the job's watchers; False when the job is no longer running."""
    event = json_safe(event)
    if not run_heartbeat(run_id=run_id, progress=event):
        return False
    epoch = RunEpoch.objects.filter(run_id=run_id, epoch=event["epoch"]).first() or RunEpoch(run_id=run_id)
    epoch.epoch, epoch.event = event["epoch"], event
    epoch.full_clean()
    epoch.save()
    transaction.on_commit(lambda: events.publish_run_epoch(run_id=run_id, data=event))
    return True


def _finish(run_id: int, status: str, **fields: Any) -> Run | None:
    """Move an active job to a final state; None (and no change) when it had already ended."""
    run = Run.objects.select_for_update().get(pk=run_id)
    if not run.is_active:
        return None
    run.status, run.finished_at = status, timezone.now()
    for name, value in fields.items():
        setattr(run, name, value)
    run.full_clean()
    run.save()
    publish_status(run)
    return run


@transaction.atomic
def run_mark_succeeded(
    *, run_id: int, metrics: dict[str, Any], class_names: list[str], artifacts: RunArtifacts
) -> Run | None:
    """Record the metrics and artifacts of a finished job."""
    metrics = json_safe({**metrics, "onnx_max_abs_diff": artifacts.onnx_max_abs_diff})
    return _finish(
        run_id, Run.Status.SUCCEEDED, metrics=metrics, class_names=list(class_names),
        checkpoint_path=artifacts.checkpoint_path, onnx_path=artifacts.onnx_path, parameters=artifacts.parameters,
        size_bytes=artifacts.size_bytes, latency_ms=json_safe(artifacts.latency_ms),
    )  # fmt: skip


@transaction.atomic
def run_mark_failed(*, run_id: int, message: str) -> Run | None:
    """A job that cannot finish, with a message saying what to change (or that retrying may help)."""
    return _finish(run_id, Run.Status.FAILED, status_message=message)


@transaction.atomic
def run_mark_cancelled(*, run_id: int) -> Run | None:
    """A job its worker stopped because someone asked; says who, and how far it got."""
    run = Run.objects.select_for_update().get(pk=run_id)
    who = f" by {run.cancelled_by}" if run.cancelled_by else ""
    epochs = run.config.get("epochs", "?")
    message = f"Cancelled{who} after {run.epochs_done} of {epochs} epochs."
    return _finish(run_id, Run.Status.CANCELLED, status_message=message)
