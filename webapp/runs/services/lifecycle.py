"""What people do to jobs: create one, cancel it, retry it. Each queues or publishes only after the commit."""

import dataclasses
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kdcore.config import ConfigError, TrainConfig
from webapp import jobs
from webapp.accounts.models import Team, User
from webapp.datasets.models import DatasetVersion
from webapp.runs.configs import config_errors, log_every_for, train_config_build
from webapp.runs.models import Run
from webapp.runs.services.progress import RUNS
from webapp.system import selectors as system_selectors


def _check_inputs(*, team: Team, dataset_version: DatasetVersion, teacher: Run | None) -> None:
    """The dataset version and the teacher must belong to the job's team, and the teacher must be usable."""
    if dataset_version.team_id != team.pk:
        raise ValidationError({"dataset_version": "That dataset version belongs to another team."})
    if teacher is None:
        return
    if teacher.team_id != team.pk:
        raise ValidationError({"teacher": "That teacher belongs to another team."})
    if teacher.status != Run.Status.SUCCEEDED or not teacher.checkpoint_path:
        raise ValidationError({"teacher": f"Job #{teacher.pk} has no finished checkpoint to distil from."})


def _enqueue_after_commit(run: Run) -> None:
    transaction.on_commit(lambda: jobs.enqueue_training(run_id=run.pk, queue=run.queue))


@transaction.atomic
def run_create(
    *, team: Team, user: User, dataset_version: DatasetVersion, teacher: Run | None, settings: dict[str, Any]
) -> Run:
    """Validate the settings through kdcore, store the job and queue it once committed.

    Raises ValidationError keyed by form field ("alpha", "teacher", ...) for anything kdcore or the team rules
    refuse; nothing is stored then.
    """
    _check_inputs(team=team, dataset_version=dataset_version, teacher=teacher)
    queue = system_selectors.queue_choose(device=str(settings.get("device") or "auto"))
    config = train_config_build(
        settings=settings,
        teacher_checkpoint=teacher.checkpoint_path if teacher else None,
        on_cpu=queue == Run.Queue.CPU,
    )
    run = Run(team=team, created_by=user, dataset_version=dataset_version, teacher=teacher, queue=queue)
    run.config = config.to_dict()
    run.full_clean()
    run.save()
    _enqueue_after_commit(run)
    return run


def _clone(run: Run, *, user: User, dataset_version: DatasetVersion, retry_of: Run | None) -> Run:
    """A new job with `run`'s exact config (every setting, not only the form's) on `dataset_version`, queued afresh."""
    _check_inputs(team=run.team, dataset_version=dataset_version, teacher=run.teacher)
    try:
        config = TrainConfig.from_dict(run.config)
    except ConfigError as error:  # stored by an older kdcore that accepted what this one refuses
        raise config_errors(error) from None
    queue = system_selectors.queue_choose(device=config.device)
    config = dataclasses.replace(config, log_every=log_every_for(on_cpu=queue == Run.Queue.CPU))
    clone = Run(
        team=run.team, created_by=user, dataset_version=dataset_version, teacher=run.teacher,
        retry_of=retry_of, queue=queue, config=config.to_dict(),
    )  # fmt: skip
    clone.full_clean()
    clone.save()
    _enqueue_after_commit(clone)
    return clone


@transaction.atomic
def run_retry(*, run: Run, user: User) -> Run:
    """A new job with the same config, dataset version and teacher, queued afresh (the old one stays as it is)."""
    if run.is_active:
        raise ValidationError(f"Job #{run.pk} is still {run.get_status_display().lower()}: cancel it first.")
    return _clone(run, user=user, dataset_version=run.dataset_version, retry_of=run)


@transaction.atomic
def run_retrain(*, run: Run, dataset_version: DatasetVersion, user: User) -> Run:
    """Train again on `dataset_version` (typically the version a review committed) with exactly `run`'s settings and
    teacher, so the two jobs' accuracies differ by the data alone. The checks are `run_create`'s: the version and the
    teacher must be the job's team's, the teacher finished, the config valid for this kdcore.
    """
    return _clone(run, user=user, dataset_version=dataset_version, retry_of=None)


def run_cancel(*, run_id: int, user: User) -> Run:
    """Cancel a job: a queued one at once; a running one is asked to stop, and its worker does so within seconds."""
    return RUNS.cancel(run_id, user=user)
