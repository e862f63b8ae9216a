"""A worker that dies mid-job: its job is failed with the reason within a minute, and a retry runs it again."""

import os
import signal
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from tests.live_jobs import face_version_create, use_live_media, wait_for_status
from tests.run_factories import RunFactory, tiny_config
from tests.stack import START_TIMEOUT, LiveStudio, _subprocess_env, wait_until
from webapp import jobs
from webapp.accounts.models import Team, User
from webapp.redis_client import redis_client
from webapp.runs.models import Run, RunEpoch
from webapp.system.models import WORKER_KEY_PREFIX
from webapp.system.supervisor import Child, Supervisor

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class DoomedWorker:
    """A worker of its own, on a queue of its own, that the test kills."""

    hostname: str
    queue: str
    child: Child


@pytest.fixture
def doomed_worker(live_studio: LiveStudio, redis_url: str) -> Iterator[DoomedWorker]:
    name = uuid.uuid4().hex[:8]
    hostname, queue = f"doomed-{name}@studio-tests", f"doomed-{name}"
    argv = [sys.executable, "-m", "celery", "-A", "worker", "worker", "-Q", queue, "-n", hostname, "-c", "1"]
    argv += ["-l", "WARNING", "--without-mingle", "--without-gossip"]
    log_path = live_studio.log_path.parent / f"{queue}.log"
    with log_path.open("w") as log:
        supervisor = Supervisor(env=_subprocess_env(redis_url, live_studio.log_path.parent), out=log)
        child = supervisor.start("doomed", argv)
        try:
            wait_until(
                lambda: bool(redis_client().exists(WORKER_KEY_PREFIX + hostname)),
                timeout=START_TIMEOUT, what="doomed worker heartbeat not seen", log_path=log_path,
            )  # fmt: skip
            yield DoomedWorker(hostname=hostname, queue=queue, child=child)
        finally:
            supervisor.stop(timeout=5)


def test_it_fails_the_job_of_a_killed_worker_with_the_reason_and_retries_it(
    live_studio: LiveStudio, doomed_worker: DoomedWorker, alice: User, team: Team, settings: Settings
) -> None:
    use_live_media(settings, live_studio)
    version = face_version_create(team=team, user=alice)
    run = RunFactory(team=team, created_by=alice, dataset_version=version, config=tiny_config(epochs=40))
    jobs.enqueue_training(run_id=run.pk, queue=doomed_worker.queue)
    wait_until(lambda: RunEpoch.objects.filter(run=run).exists(), timeout=90, what="no epoch recorded")
    run.refresh_from_db()
    assert (run.status, run.worker_hostname) == ("running", doomed_worker.hostname)

    os.killpg(doomed_worker.child.process.pid, signal.SIGKILL)  # the whole worker, pool and all, at once
    killed_at = time.monotonic()
    api = APIClient()
    api.force_authenticate(alice)
    while api.get(f"/api/runs/{run.pk}/").json()["status"] == "running":  # the live stack's reaper fails it
        assert time.monotonic() - killed_at < 60, "the job still looks running a minute after its worker died"
        time.sleep(1)
    body = api.get(f"/api/runs/{run.pk}/").json()
    assert body["status"] == "failed"
    assert f"worker {doomed_worker.hostname} stopped responding" in body["status_message"].lower()

    retry = api.post(f"/api/runs/{run.pk}/retry/").json()
    assert retry["retry_of"] == run.pk
    clone = wait_for_status(Run.objects.get(pk=retry["id"]), {"succeeded", "failed"}, timeout=180, studio=live_studio)
    assert clone.status == "succeeded", clone.status_message
    assert clone.worker_hostname == live_studio.worker_hostname
