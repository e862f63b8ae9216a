"""The one lifecycle every worker task shares, exercised on jobs: claims once, ends once, a worker whose task was
deleted or ended meanwhile changes nothing, and a queued task whose message was lost is sent again."""

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from tests.run_factories import RunFactory
from webapp import jobs
from webapp.accounts.models import Team
from webapp.recordings.models import Analysis, Recording
from webapp.recordings.services.analyses import ANALYSES
from webapp.runs.models import Run
from webapp.runs.services import RUNS
from webapp.system import lifecycle

pytestmark = pytest.mark.django_db


def test_it_claims_a_queued_task_once(team: Team) -> None:
    run = RunFactory(team=team)
    assert RUNS.claim(run.pk, hostname="w@a") is not None
    assert RUNS.claim(run.pk, hostname="w@b") is None
    run.refresh_from_db()
    assert (run.status, run.worker_hostname) == (Run.Status.RUNNING, "w@a")


def test_it_ends_a_task_once_and_never_revives_it(team: Team) -> None:
    run = RunFactory(team=team)
    RUNS.claim(run.pk, hostname="w@a")
    assert RUNS.fail(run.pk, "broke") is not None
    assert RUNS.finish(run.pk, Run.Status.SUCCEEDED) is None
    assert RUNS.heartbeat(run.pk) is False
    run.refresh_from_db()
    assert (run.status, run.status_message) == (Run.Status.FAILED, "broke")


def test_a_deleted_task_has_ended_for_its_worker(team: Team) -> None:
    run = RunFactory(team=team)
    RUNS.claim(run.pk, hostname="w@a")
    Run.objects.filter(pk=run.pk).delete()
    assert RUNS.finish(run.pk, Run.Status.SUCCEEDED) is None
    assert RUNS.fail(run.pk, "gone") is None
    assert RUNS.claim(run.pk, hostname="w@a") is None
    assert RUNS.heartbeat(run.pk) is False


def test_every_kind_of_task_is_reaped_in_one_pass(team: Team) -> None:
    quiet = timezone.now() - timedelta(minutes=5)
    run = RunFactory(team=team, status=Run.Status.RUNNING, started_at=quiet, heartbeat_at=quiet, worker_hostname="w")
    nouns = {type(known).__name__ for known in lifecycle.registered()}
    assert {"RunLifecycle", "ImportLifecycle", "AnalysisLifecycle", "PreparationLifecycle"} <= nouns
    assert ("job", run.pk) in lifecycle.reap_all()


def test_a_killed_workers_analysis_and_scoring_are_failed_with_the_reason(team: Team) -> None:
    from webapp.datasets.models import DatasetVersion
    from webapp.recordings.models import Analysis, Recording
    from webapp.reviews.models import LabelScoring

    quiet = timezone.now() - timedelta(minutes=5)
    stale = {"status": "running", "started_at": quiet, "heartbeat_at": quiet, "worker_hostname": "gone@box"}
    recording = Recording.objects.create(team=team, name="S", original_name="s.mp4", size_bytes=1)
    analysis = Analysis.objects.create(team=team, recording=recording, model_label="B", progress={"frames_done": 900},
                                       **stale)  # fmt: skip
    version: DatasetVersion = RunFactory(team=team).dataset_version
    scoring = LabelScoring.objects.create(team=team, version=version, config={"model": "mini_resemotenet_b"}, **stale)
    reaped = lifecycle.reap_all()
    assert ("analysis", analysis.pk) in reaped
    assert ("label scoring", scoring.pk) in reaped
    analysis.refresh_from_db()
    assert analysis.status == "failed"
    assert analysis.status_message.startswith("Worker gone@box stopped responding after 900 frames")
    scoring.refresh_from_db()
    assert scoring.status == "failed"


def _queued_ago(make: Any, seconds: float, **fields: Any) -> Any:
    """A queued task made by `make` (a factory or `Model.objects.create`) `seconds` ago."""
    task = make(**fields)
    type(task).objects.filter(pk=task.pk).update(created_at=timezone.now() - timedelta(seconds=seconds))
    return task


def test_it_sends_again_a_queued_job_whose_message_is_lost(team: Team) -> None:
    lost = _queued_ago(RunFactory, 300, team=team, queue=Run.Queue.CPU)
    waiting = _queued_ago(RunFactory, 300, team=team)
    _queued_ago(RunFactory, 5, team=team)  # fresh: its message may still be on its way
    RunFactory(team=team, status=Run.Status.RUNNING)  # claimed: not queued
    pending = {(jobs.RUN_TRAINING, waiting.pk)}
    with mock.patch("webapp.jobs.enqueue_training") as enqueue:
        assert RUNS.resend_lost(pending=pending, now=timezone.now(), after=60) == [lost.pk]  # not fresh, nor running
    enqueue.assert_called_once_with(run_id=lost.pk, queue="cpu")


def test_an_analysis_waiting_for_its_recordings_probe_is_not_lost(team: Team) -> None:
    unprobed = Recording.objects.create(team=team, name="Session", original_name="s.mp4", size_bytes=1)
    probed = Recording.objects.create(team=team, name="Probed", original_name="p.mp4", size_bytes=1, info={"fps": 25})
    waiting = _queued_ago(Analysis.objects.create, 300, team=team, recording=unprobed, model_label="B")
    lost = _queued_ago(Analysis.objects.create, 300, team=team, recording=probed, model_label="B")
    with mock.patch("webapp.jobs.enqueue_recording_analysis") as enqueue:
        assert ANALYSES.resend_lost(pending=set(), now=timezone.now(), after=60) == [lost.pk]
    enqueue.assert_called_once_with(analysis_id=lost.pk, queue=lost.queue)
    waiting.refresh_from_db()
    assert waiting.status == "queued"  # still waiting, unsent, for `analyses_enqueue_waiting`


def test_every_kind_is_sent_again_in_one_pass_unless_the_broker_cannot_be_read(team: Team) -> None:
    run = _queued_ago(RunFactory, 300, team=team)
    with mock.patch("webapp.jobs.messages_pending", return_value=None), mock.patch("webapp.jobs.enqueue_training"):
        assert lifecycle.resend_all() == []
    with mock.patch("webapp.jobs.messages_pending", return_value=set()), mock.patch("webapp.jobs.enqueue_training"):
        assert ("job", run.pk) in lifecycle.resend_all()
    kinds = {known.task_name for known in lifecycle.registered()}
    assert kinds == {jobs.RUN_TRAINING, jobs.DATASET_IMPORT, jobs.RECORDING_PREPARE, jobs.RECORDING_ANALYSE,
                     jobs.LABEL_SCORING}  # fmt: skip
