"""Redis dies or hangs while jobs run and wait: no job is lost.

A Studio of the test's own (its Redis run as `./studio up` runs it, a worker with two processes, the reaper), so
killing its Redis touches no other test. Two jobs run and three wait when Redis is killed (and comes back with its
append-only file, or with nothing at all) or frozen for 20 s: every job ends succeeded, each epoch recorded once.
"""

import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
import redis
from celery import Celery
from pytest_django.fixtures import Settings

from tests.live_jobs import face_version_create
from tests.own_redis import RedisServer
from tests.run_factories import RunFactory, tiny_config
from tests.stack import START_TIMEOUT, _subprocess_env, wait_until
from webapp import jobs
from webapp.accounts.models import Team, User
from webapp.runs.models import Run, RunEpoch
from webapp.system.models import WORKER_KEY_PREFIX
from webapp.system.supervisor import Supervisor

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

EPOCHS, RUNNING, WAITING = 5, 2, 3
FROZEN_SECONDS = 20


@dataclass(frozen=True)
class OwnStudio:
    """A worker and a reaper on a Redis of their own; `sender` queues tasks there."""

    redis: RedisServer
    log_path: Path
    sender: Celery


@pytest.fixture
def own_studio(
    django_db_setup: None, own_redis: RedisServer, tmp_path: Path, settings: Settings
) -> Iterator[OwnStudio]:
    settings.MEDIA_ROOT = tmp_path / "media"  # the worker's, under STUDIO_VAR_DIR
    hostname = f"outage-{uuid.uuid4().hex[:8]}@studio-tests"
    celery = [sys.executable, "-m", "celery", "-A", "worker", "worker", "-Q", "gpu,cpu", "-n", hostname, "-c", "2"]
    reap = [sys.executable, str(settings.BASE_DIR / "manage.py"), "reap", "--every", "1", "--resend-after", "5"]
    log_path = tmp_path / "stack.log"
    sender = Celery("outage-tests", set_as_current=False)
    sender.config_from_object("django.conf:settings", namespace="CELERY")
    sender.conf.broker_url = own_redis.url
    with log_path.open("w") as log:
        supervisor = Supervisor(env=_subprocess_env(own_redis.url, tmp_path), out=log)
        try:
            supervisor.start("worker", [*celery, "-l", "WARNING", "--without-mingle", "--without-gossip"])
            supervisor.start("reaper", reap)
            registry = redis.Redis.from_url(own_redis.url)
            wait_until(lambda: bool(registry.exists(WORKER_KEY_PREFIX + hostname)), timeout=START_TIMEOUT,
                       what="worker heartbeat not seen", log_path=log_path)  # fmt: skip
            with mock.patch.object(jobs, "_client", return_value=sender):
                yield OwnStudio(redis=own_redis, log_path=log_path, sender=sender)
        finally:
            supervisor.stop(timeout=10)


def _queue_jobs(team: Team, user: User) -> list[Run]:
    version = face_version_create(team=team, user=user)
    runs = [RunFactory(team=team, created_by=user, dataset_version=version, config=tiny_config(epochs=EPOCHS))
            for _ in range(RUNNING + WAITING)]  # fmt: skip
    for run in runs:
        jobs.enqueue_training(run_id=run.pk, queue="cpu")
    return runs


def _wait_mid_job(runs: list[Run], studio: OwnStudio) -> None:
    """Until two jobs run and each has recorded an epoch: the moment to break Redis."""

    def mid_job() -> bool:
        running = Run.objects.filter(pk__in=[run.pk for run in runs], status=Run.Status.RUNNING)
        return sum(RunEpoch.objects.filter(run=run).exists() for run in running) == RUNNING

    wait_until(mid_job, timeout=120, what="two jobs not running", log_path=studio.log_path)


def _lost_jobs(runs: list[Run], studio: OwnStudio, *, timeout: float) -> list[str]:
    """Wait for every job to end; describe each that did not succeed with every epoch recorded once."""
    ids = [run.pk for run in runs]
    ended = lambda: not Run.objects.filter(pk__in=ids, status__in=Run.ACTIVE).exists()  # noqa: E731
    wait_until(ended, timeout=timeout, what="jobs still queued or running", log_path=studio.log_path)
    lost = []
    for run in Run.objects.filter(pk__in=ids):
        epochs = sorted(RunEpoch.objects.filter(run=run).values_list("epoch", flat=True))
        if run.status != Run.Status.SUCCEEDED or epochs != list(range(1, EPOCHS + 1)):
            lost.append(f"job #{run.pk}: {run.status} {run.status_message!r}, epochs {epochs}")
    return lost


@pytest.mark.parametrize("data", ["kept", "lost"])
def test_no_job_is_lost_when_redis_is_killed_mid_job(own_studio: OwnStudio, alice: User, team: Team, data: str) -> None:
    runs = _queue_jobs(team, alice)
    _wait_mid_job(runs, own_studio)
    own_studio.redis.kill()
    if data == "lost":  # as with persistence off: the three waiting jobs' messages are gone
        for path in own_studio.redis.data_dir.glob("studio.*"):
            path.unlink()
    time.sleep(3)
    own_studio.redis.start()
    assert _lost_jobs(runs, own_studio, timeout=300) == []


def test_no_job_is_lost_when_redis_freezes_for_20_seconds(own_studio: OwnStudio, alice: User, team: Team) -> None:
    runs = _queue_jobs(team, alice)
    _wait_mid_job(runs, own_studio)
    own_studio.redis.freeze()
    time.sleep(FROZEN_SECONDS)
    own_studio.redis.thaw()
    assert _lost_jobs(runs, own_studio, timeout=300) == []
