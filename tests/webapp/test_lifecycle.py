"""The one lifecycle every worker task shares, exercised on jobs: claims once, ends once, and a worker whose task
was deleted or ended meanwhile changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.run_factories import RunFactory
from webapp.accounts.models import Team
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
