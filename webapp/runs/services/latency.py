"""CPU latency of finished jobs: queued once a job succeeds (or on request), recorded by the worker that measured it.

The measurement itself (`worker.runs.latency`) runs as its own task, alone on its machine, so the number a page shows
is repeatable; `Run.latency` keeps how and when it was taken beside `Run.latency_ms`.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from webapp import jobs
from webapp.runs.models import Run
from webapp.runs.services._publish import publish_status


@transaction.atomic
def run_latency_request(*, run: Run) -> Run:
    """Measure a finished job's latency (again): e.g. one measured by an older Studio while its worker trained.

    Raises:
        ValidationError: when the job has no checkpoint to measure.
    """
    run = Run.objects.select_for_update().get(pk=run.pk)
    if run.status != Run.Status.SUCCEEDED or not run.checkpoint_path:
        raise ValidationError(f"Job #{run.pk} has no finished checkpoint to measure.")
    run.latency = {**run.latency, "queued_at": timezone.now().isoformat()}
    run.save(update_fields=("latency",))
    transaction.on_commit(lambda: jobs.enqueue_latency_measurement(run_id=run.pk))
    publish_status(run)
    return run


@transaction.atomic
def run_latency_record(*, run_id: int, latency_ms: float, details: dict[str, Any]) -> Run | None:
    """Store a measurement (`details`: runs, threads, spread, when, where, a note) and tell the job's watchers; None
    when the job was deleted meanwhile."""
    run = Run.objects.select_for_update().filter(pk=run_id).first()
    if run is None:
        return None
    run.latency_ms, run.latency = latency_ms, details
    run.save(update_fields=("latency_ms", "latency"))
    publish_status(run)
    return run
