"""What a worker records about a job: it started, it is alive, an epoch finished, and how it ended.

Status changes go through `RunLifecycle`, the shared worker-task lifecycle (`webapp.system.lifecycle`): every write
is conditional on the job still being active, so a worker that lost its job (cancelled, or failed by the reaper after
its host went quiet) cannot bring it back to life.
"""

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.db import transaction
from django.utils import timezone

from webapp import events, jobs
from webapp.runs.models import Run, RunEpoch, RunPrediction
from webapp.runs.services._publish import publish_status
from webapp.system.lifecycle import Lifecycle, register


@dataclass(frozen=True)
class RunArtifacts:
    """What a finished job leaves behind: files relative to MEDIA_ROOT, and its size (latency is measured after, by
    its own task: `services.latency`)."""

    checkpoint_path: str
    onnx_path: str
    parameters: int
    size_bytes: int
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


class RunLifecycle(Lifecycle[Run]):
    """Training jobs in the shared worker-task lifecycle: published on every change, failed with a message."""

    model = Run
    noun = "job"
    task_name = jobs.RUN_TRAINING

    def publish(self, task: Run) -> None:
        publish_status(task)

    def send(self, task: Run) -> None:
        jobs.enqueue_training(run_id=task.pk, queue=task.queue)

    def fail_fields(self, task: Run, message: str) -> dict[str, Any]:
        return {"status_message": message}

    def stale_message(self, task: Run) -> str:
        return (
            f"Worker {task.worker_hostname or '(unknown)'} stopped responding after {task.epochs_done} of "
            f"{task.config.get('epochs', '?')} epochs, so the job was stopped. Retry it to run it again."
        )


RUNS = register(RunLifecycle())


def run_start(*, run_id: int, hostname: str, device: str) -> Run | None:
    """Claim a queued job for the worker `hostname`; None when it was cancelled or claimed meanwhile."""
    return RUNS.claim(run_id, hostname=hostname, device=device)


def run_heartbeat(*, run_id: int, progress: dict[str, Any] | None = None) -> bool:
    """Say the job is alive (and where it got to); False when it is no longer running here.

    A single UPDATE, cheap enough to run every second or so from a training loop.
    """
    return RUNS.heartbeat(run_id, **({} if progress is None else {"progress": json_safe(progress)}))


def run_reap_stale(*, now: datetime | None = None) -> list[int]:
    """Fail every running job whose worker stopped responding; returns their ids (`manage.py reap` runs it)."""
    return RUNS.reap_stale(now=now)


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


@transaction.atomic
def run_mark_succeeded(
    *, run_id: int, metrics: dict[str, Any], class_names: list[str], artifacts: RunArtifacts
) -> Run | None:
    """Record the metrics and artifacts of a finished job, and queue the measurement of its latency."""
    metrics = json_safe({**metrics, "onnx_max_abs_diff": artifacts.onnx_max_abs_diff})
    queued = {"queued_at": timezone.now().isoformat()}
    run = RUNS.finish(
        run_id, Run.Status.SUCCEEDED, metrics=metrics, class_names=list(class_names),
        checkpoint_path=artifacts.checkpoint_path, onnx_path=artifacts.onnx_path, parameters=artifacts.parameters,
        size_bytes=artifacts.size_bytes, latency_ms=None, latency=queued,
    )  # fmt: skip
    if run is not None:
        transaction.on_commit(lambda: jobs.enqueue_latency_measurement(run_id=run_id))
    return run


def run_mark_failed(*, run_id: int, message: str) -> Run | None:
    """A job that cannot finish, with a message saying what to change (or that retrying may help)."""
    return RUNS.fail(run_id, message)


def run_mark_cancelled(*, run_id: int) -> Run | None:
    """A job its worker stopped because someone asked; says who, and how far it got."""
    run = Run.objects.filter(pk=run_id).first()
    if run is None:
        return None
    planned = run.progress.get("epochs") or run.config.get("epochs", "?")  # a time budget may have cut the plan
    return RUNS.cancelled(run_id, progress=f"after {run.epochs_done} of {planned} epochs")


def run_stop_reason(*, run_id: int) -> str:
    """Why a running job's worker should stop now ("" to carry on): a cancel request, or the job was ended."""
    return RUNS.stop_reason(run_id)


class PredictionRow(NamedTuple):
    """One face's prediction as the worker hands it over (probabilities in the job's class order)."""

    item_id: int
    split: int
    label: int
    predicted: int
    probs: list[float]


@transaction.atomic
def run_predictions_store(*, run_id: int, rows: list[PredictionRow]) -> int:
    """Replace a job's per-face predictions (a retried task stores them again); returns how many were stored."""
    RunPrediction.objects.filter(run_id=run_id).delete()
    objects = (
        RunPrediction(
            run_id=run_id, item_id=row.item_id, split=row.split, label=row.label, predicted=row.predicted,
            confidence=float(row.probs[row.predicted]), probs=[round(float(p), 5) for p in row.probs],
        )
        for row in rows
    )  # fmt: skip
    RunPrediction.objects.bulk_create(objects, batch_size=2000)
    return len(rows)
