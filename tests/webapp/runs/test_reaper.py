"""The reaper fails a running job whose worker went quiet, with the reason, and leaves healthy jobs alone."""

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from tests.run_factories import RunFactory
from webapp.accounts.models import Team
from webapp.runs import services
from webapp.runs.models import Run
from webapp.system.models import WorkerHeartbeat

pytestmark = pytest.mark.usefixtures("redis")


def _running(team: Team, *, host: str, started_s_ago: float, beat_s_ago: float) -> Run:
    now = timezone.now()
    return RunFactory(
        team=team, status=Run.Status.RUNNING, worker_hostname=host,
        started_at=now - timedelta(seconds=started_s_ago), heartbeat_at=now - timedelta(seconds=beat_s_ago),
    )  # fmt: skip


def test_it_fails_a_job_whose_heartbeat_is_too_old(team: Team, gpu_worker: WorkerHeartbeat) -> None:
    run = _running(team, host=gpu_worker.hostname, started_s_ago=300, beat_s_ago=46)
    assert services.run_reap_stale() == [run.pk]
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED
    assert run.status_message.startswith(f"Worker {gpu_worker.hostname} stopped responding after 0 of 1 epochs")
    assert run.finished_at is not None


def test_it_fails_a_quiet_job_whose_worker_left_the_registry(team: Team, gpu_worker: WorkerHeartbeat) -> None:
    gone = _running(team, host="dead@box", started_s_ago=60, beat_s_ago=25)
    alive = _running(team, host=gpu_worker.hostname, started_s_ago=60, beat_s_ago=25)
    assert services.run_reap_stale() == [gone.pk]
    alive.refresh_from_db()
    assert alive.status == Run.Status.RUNNING


def test_it_keeps_a_job_that_beats_though_redis_forgot_its_worker(team: Team, redis: Any) -> None:
    # A restarted (or long frozen) Redis has an empty registry until each worker's next beat: no job is lost to it.
    run = _running(team, host="busy@box", started_s_ago=3600, beat_s_ago=5)
    assert redis.keys("studio:worker:*") == []
    assert services.run_reap_stale() == []
    run.refresh_from_db()
    assert run.status == Run.Status.RUNNING


def test_it_gives_a_just_started_worker_time_to_register(team: Team) -> None:
    run = _running(team, host="new@box", started_s_ago=2, beat_s_ago=2)
    assert services.run_reap_stale() == []
    run.refresh_from_db()
    assert run.status == Run.Status.RUNNING


def test_it_falls_back_on_job_heartbeats_when_redis_is_away(team: Team) -> None:
    fresh = _running(team, host="w@box", started_s_ago=300, beat_s_ago=5)
    stale = _running(team, host="w@box", started_s_ago=300, beat_s_ago=60)
    with mock.patch("webapp.system.selectors.worker_list", side_effect=ConnectionError("Redis is away")):
        assert services.run_reap_stale() == [stale.pk]
    fresh.refresh_from_db()
    assert fresh.status == Run.Status.RUNNING


def test_it_publishes_the_failure_to_the_jobs_watchers(team: Team, django_capture_on_commit_callbacks: Any) -> None:
    run = _running(team, host="dead@box", started_s_ago=300, beat_s_ago=300)
    with mock.patch("webapp.events.publish_run_status") as publish, django_capture_on_commit_callbacks(execute=True):
        services.run_reap_stale()
    assert publish.call_args.kwargs["data"]["status"] == "failed"
    assert publish.call_args.kwargs["run_id"] == run.pk
