"""A worker that dies mid-job: its job is failed with the reason within a minute, and a retry runs it again."""

import os
import signal
import time

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from tests.live_jobs import face_version_create, use_live_media, wait_for_status
from tests.run_factories import RunFactory, tiny_config
from tests.stack import DoomedWorker, LiveStudio, wait_until
from webapp import jobs
from webapp.accounts.models import Team, User
from webapp.runs.models import Run, RunEpoch

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


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
