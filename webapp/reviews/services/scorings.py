"""Label-quality jobs: queue one on a dataset version, cancel, retry; what the worker records as it runs one.

A job cross-fits `folds` models (each trained on the other folds) so every face gets probabilities from a model that
never saw it, then scores each face. It runs on the `gpu` queue, or `cpu` when no GPU worker is alive, as jobs do.
"""

from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction

from webapp import events, jobs
from webapp.accounts.models import User
from webapp.datasets.models import DatasetVersion
from webapp.reviews.models import FaceScore, LabelScoring
from webapp.reviews.serializers import scoring_payload
from webapp.runs.configs import train_config_build
from webapp.runs.services import json_safe
from webapp.system import selectors as system_selectors
from webapp.system.lifecycle import Lifecycle, register

MIN_FOLDS, MAX_FOLDS = 2, 10
# Each fold's model, unless the person chooses: Student B at 64 px ranked better than Student C, and 80 epochs better
# than 30 (precision@k 0.534 against 0.465 on FER2013 with 5% flipped: docs/results.md, "Label quality: finding
# flipped labels"); four such folds take about 6.5 minutes on an H200.
DEFAULT_SETTINGS: dict[str, Any] = {"model": "mini_resemotenet_b", "epochs": 80, "input_size": 64, "batch_size": 256}


def _publish(scoring: LabelScoring) -> None:
    payload = scoring_payload(scoring)
    transaction.on_commit(lambda: events.publish_scoring_status(scoring_id=scoring.pk, data=payload), robust=True)


class ScoringLifecycle(Lifecycle[LabelScoring]):
    """Label-quality jobs in the shared worker-task lifecycle."""

    model = LabelScoring
    noun = "label scoring"
    task_name = jobs.LABEL_SCORING

    def publish(self, task: LabelScoring) -> None:
        _publish(task)

    def send(self, task: LabelScoring) -> None:
        jobs.enqueue_label_scoring(scoring_id=task.pk, queue=task.queue)

    def fail_fields(self, task: LabelScoring, message: str) -> dict[str, Any]:
        return {"status_message": message}


SCORINGS = register(ScoringLifecycle())


def folds_check(version: DatasetVersion, folds: int) -> None:
    """Every fold needs faces of every class the version has: refuse what cross-fitting cannot split."""
    if not MIN_FOLDS <= folds <= MAX_FOLDS:
        raise ValidationError({"folds": f"Folds must be between {MIN_FOLDS} and {MAX_FOLDS}; you asked for {folds}."})
    if version.item_count < folds:
        raise ValidationError(
            {"folds": f"{version.label} has {version.item_count} faces, fewer than the {folds} folds: use fewer folds."}
        )
    small = {name: count for name, count in version.class_counts.items() if 0 < count < folds}
    if small:
        listed = ", ".join(f"{name} ({count})" for name, count in small.items())
        advice = "Use fewer folds, or add faces."
        raise ValidationError({"folds": f"These classes have fewer faces than the {folds} folds: {listed}. {advice}"})


@transaction.atomic
def label_scoring_create(
    *, version: DatasetVersion, user: User | None, folds: int = 4, settings: dict[str, Any] | None = None,
    retry_of: LabelScoring | None = None,
) -> LabelScoring:  # fmt: skip
    """Queue a label-quality job on `version`; `settings` chooses each fold's model like the job form does."""
    folds_check(version, folds)
    queue = system_selectors.queue_choose(device=str((settings or {}).get("device") or "auto"))
    config = train_config_build(settings={**DEFAULT_SETTINGS, **(settings or {})}, teacher_checkpoint=None,
                                on_cpu=queue == LabelScoring.Queue.CPU)  # fmt: skip
    scoring = LabelScoring(
        team=version.team, version=version, created_by=user, folds=folds, config=config.to_dict(), queue=queue,
        retry_of=retry_of,
    )  # fmt: skip
    scoring.full_clean()
    scoring.save()
    transaction.on_commit(lambda: jobs.enqueue_label_scoring(scoring_id=scoring.pk, queue=scoring.queue))
    return scoring


def label_scoring_cancel(*, scoring_id: int, user: User) -> LabelScoring:
    """Cancel a queued job at once; a running one is asked to stop, and stops within seconds."""
    return SCORINGS.cancel(scoring_id, user=user)


def label_scoring_retry(*, scoring: LabelScoring, user: User) -> LabelScoring:
    """The same job again (the old one and its scores stay)."""
    if scoring.is_active:
        raise ValidationError(f"Label scoring #{scoring.pk} is still {scoring.get_status_display().lower()}.")
    settings = {key: scoring.config.get(key) for key in ("model", "width_mult", "epochs", "input_size", "batch_size",
                                                         "lr", "seed", "device")}  # fmt: skip
    return label_scoring_create(version=scoring.version, user=user, folds=scoring.folds, settings=settings,
                                retry_of=scoring)  # fmt: skip


def label_scoring_start(*, scoring_id: int, hostname: str, device: str) -> LabelScoring | None:
    """Claim a queued job for worker `hostname`; None when cancelled, deleted or claimed meanwhile."""
    return SCORINGS.claim(scoring_id, hostname=hostname, device=device)


def label_scoring_progress(*, scoring_id: int, progress: dict[str, Any]) -> bool:
    """Record where a running job got (a heartbeat too) and tell its watchers; False once it stopped."""
    if not SCORINGS.heartbeat(scoring_id, progress=json_safe(progress)):
        return False
    scoring = LabelScoring.objects.filter(pk=scoring_id).first()
    if scoring is not None:
        events.publish_scoring_status(scoring_id=scoring_id, data=scoring_payload(scoring))
    return True


def label_scoring_stop_reason(*, scoring_id: int) -> str:
    """`STOP_CANCELLED`, `STOP_GONE` (deleted or reaped), or "" to go on."""
    return SCORINGS.stop_reason(scoring_id)


class ScoreRow(NamedTuple):
    """One face's scores as the worker hands them over."""

    item_id: int
    rank: int
    quality: float
    self_confidence: float
    normalized_margin: float
    flagged: bool
    suggested: int
    probs: list[float]


@transaction.atomic
def label_scoring_succeed(*, scoring_id: int, rows: list[ScoreRow], summary: dict[str, Any]) -> LabelScoring | None:
    """Store every face's scores and end the job, in one transaction (a job is scored whole or not at all)."""
    scoring = SCORINGS.finish(scoring_id, LabelScoring.Status.SUCCEEDED, summary=json_safe(summary))
    if scoring is None:
        return None
    FaceScore.objects.filter(scoring_id=scoring_id).delete()  # a redelivered task writes its scores again
    FaceScore.objects.bulk_create(
        (FaceScore(scoring_id=scoring_id, item_id=row.item_id, rank=row.rank, quality=row.quality,
                   self_confidence=row.self_confidence, normalized_margin=row.normalized_margin, flagged=row.flagged,
                   suggested=row.suggested, probs=[round(float(p), 5) for p in row.probs]) for row in rows),
        batch_size=2000,
    )  # fmt: skip
    return scoring


def label_scoring_fail(*, scoring_id: int, message: str) -> LabelScoring | None:
    """A job that cannot finish, with a message saying what to change."""
    return SCORINGS.fail(scoring_id, message)


def label_scoring_cancelled(*, scoring_id: int) -> LabelScoring | None:
    """A job its worker stopped because someone asked."""
    return SCORINGS.cancelled(scoring_id)
