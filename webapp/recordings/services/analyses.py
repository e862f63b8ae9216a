"""Analyses: queue one (any finished job's model, or the built-in one), cancel, retry; what a worker records as it
runs one; and the participant track a person may switch.

An analysis waits (queued, not yet sent) until its recording is probed: `analyses_enqueue_waiting` sends it then,
on the `gpu` queue, or on `cpu` when no GPU worker is alive, as jobs do.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from webapp import events, jobs
from webapp.accounts.models import User
from webapp.recordings.models import Analysis, Recording
from webapp.recordings.serializers import analysis_payload
from webapp.runs.models import Run
from webapp.runs.services import json_safe
from webapp.system import selectors as system_selectors
from webapp.system.lifecycle import Lifecycle, register

BUILT_IN_MODEL = "Student B (built-in, 160 px)"


def _publish(analysis: Analysis) -> None:
    payload = analysis_payload(analysis)
    transaction.on_commit(lambda: events.publish_analysis_status(analysis_id=analysis.pk, data=payload), robust=True)


class AnalysisLifecycle(Lifecycle[Analysis]):
    """Analyses in the shared worker-task lifecycle."""

    model = Analysis
    noun = "analysis"
    task_name = jobs.RECORDING_ANALYSE

    def publish(self, task: Analysis) -> None:
        _publish(task)

    def send(self, task: Analysis) -> None:
        jobs.enqueue_recording_analysis(analysis_id=task.pk, queue=task.queue)

    def sendable(self, task: Analysis) -> bool:
        """Not before its recording is probed: `analyses_enqueue_waiting` sends it then."""
        return bool(task.recording.info)

    def fail_fields(self, task: Analysis, message: str) -> dict[str, Any]:
        return {"status_message": message}

    def stale_message(self, task: Analysis) -> str:
        done = task.progress.get("frames_done", 0)
        return (
            f"Worker {task.worker_hostname or '(unknown)'} stopped responding after {done:,} frames, so the analysis "
            "was stopped. Retry it to run it again."
        )


ANALYSES = register(AnalysisLifecycle())


def _model_check(recording: Recording, model_run: Run | int | None) -> Run | None:
    """The finished job of the recording's team whose checkpoint classifies faces (None: the built-in model)."""
    if model_run is None:
        return None
    run = model_run if isinstance(model_run, Run) else Run.objects.filter(pk=model_run).first()
    if run is None or run.team_id != recording.team_id:
        raise ValidationError({"model_run": f"No job #{getattr(model_run, 'pk', model_run)} in this recording's team."})
    if run.status != Run.Status.SUCCEEDED or not run.checkpoint_path:
        raise ValidationError({"model_run": f"Job #{run.pk} has no finished model to analyse with."})
    return run


@transaction.atomic
def analysis_create(
    *,
    recording: Recording,
    user: User | None,
    model_run: Run | int | None = None,
    config: dict[str, Any] | None = None,
    enqueue: bool = True,
    retry_of: Analysis | None = None,
) -> Analysis:
    """Queue an analysis of `recording` with `model_run`'s model (None: the built-in Student B)."""
    if recording.status == Recording.Status.FAILED:
        raise ValidationError(f"{recording.name} cannot be analysed: {recording.message}")
    run = _model_check(recording, model_run)
    analysis = Analysis(
        team=recording.team, recording=recording, created_by=user, model_run=run, config=config or {},
        model_label=f"{run.model_label} (job #{run.pk})" if run else BUILT_IN_MODEL, retry_of=retry_of,
        queue=system_selectors.queue_choose(device="auto"),
    )  # fmt: skip
    analysis.full_clean()
    analysis.save()
    if enqueue and recording.info:
        _enqueue_after_commit(analysis)
    return analysis


def _enqueue_after_commit(analysis: Analysis) -> None:
    transaction.on_commit(lambda: jobs.enqueue_recording_analysis(analysis_id=analysis.pk, queue=analysis.queue))


def analyses_enqueue_waiting(*, recording: Recording) -> None:
    """Send the recording's queued analyses to the workers (called once it is probed)."""
    for analysis in recording.analyses.filter(status=Analysis.Status.QUEUED):
        _enqueue_after_commit(analysis)


def analyses_fail_waiting(*, recording: Recording, message: str) -> None:
    """Fail the queued analyses of a recording that turned out unusable."""
    for analysis_id in recording.analyses.filter(status=Analysis.Status.QUEUED).values_list("pk", flat=True):
        ANALYSES.fail(analysis_id, message)


def analysis_cancel(*, analysis_id: int, user: User) -> Analysis:
    """Cancel a queued analysis at once; a running one is asked to stop and its worker does so within seconds."""
    return ANALYSES.cancel(analysis_id, user=user)


def analysis_retry(*, analysis: Analysis, user: User) -> Analysis:
    """A new analysis with the same model and settings (the old one stays as it is)."""
    if analysis.is_active:
        raise ValidationError(f"Analysis #{analysis.pk} is still {analysis.get_status_display().lower()}.")
    return analysis_create(
        recording=analysis.recording, user=user, model_run=analysis.model_run, config=analysis.config,
        retry_of=analysis,
    )  # fmt: skip


def analysis_start(*, analysis_id: int, hostname: str, device: str) -> Analysis | None:
    """Claim a queued analysis for worker `hostname`; None when cancelled, deleted or claimed meanwhile."""
    if not Analysis.objects.filter(pk=analysis_id).exists():
        return None
    return ANALYSES.claim(analysis_id, hostname=hostname, device=device)


def analysis_progress(*, analysis_id: int, progress: dict[str, Any]) -> bool:
    """Record how far a running analysis got (a heartbeat too) and tell its watchers; False once it stopped."""
    if not ANALYSES.heartbeat(analysis_id, progress=json_safe(progress)):
        return False
    analysis = Analysis.objects.filter(pk=analysis_id).first()
    if analysis is not None:
        events.publish_analysis_status(analysis_id=analysis_id, data=analysis_payload(analysis))
    return True


def analysis_stop_reason(*, analysis_id: int) -> str:
    """Why a running analysis should stop: `STOP_CANCELLED`, `STOP_GONE` (deleted or reaped), or "" to go on."""
    return ANALYSES.stop_reason(analysis_id)


def analysis_mark_succeeded(*, analysis_id: int, summary: dict[str, Any]) -> Analysis | None:
    """Store the result's summary; the participant track is the one the analysis picked."""
    summary = json_safe(summary)
    participant = summary.get("participant_track")
    return ANALYSES.finish(analysis_id, Analysis.Status.SUCCEEDED, summary=summary, participant_track=participant)


def analysis_mark_failed(*, analysis_id: int, message: str) -> Analysis | None:
    """An analysis that cannot finish, with a message saying what to change (or that retrying may help)."""
    return ANALYSES.fail(analysis_id, message)


def analysis_mark_cancelled(*, analysis_id: int) -> Analysis | None:
    """An analysis its worker stopped because someone asked."""
    done = Analysis.objects.filter(pk=analysis_id).values_list("progress", flat=True).first() or {}
    return ANALYSES.cancelled(analysis_id, progress=f"after {done.get('frames_done', 0):,} frames")


@transaction.atomic
def analysis_participant_set(*, analysis: Analysis, track: int) -> Analysis:
    """Make `track` the participant's: the report's timeline, tasks and distribution follow it."""
    known = [entry["id"] for entry in analysis.summary.get("tracks", [])]
    if track not in known:
        raise ValidationError({"track": f"Track {track} is not in this analysis; its tracks are {known or 'none'}."})
    analysis.participant_track = track
    analysis.save(update_fields=("participant_track",))
    _publish(analysis)
    return analysis
