"""`manage.py reap`, the loop `./studio up` runs beside the web server."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.run_factories import RunFactory
from webapp.accounts.models import Team
from webapp.runs.models import Run


@pytest.mark.usefixtures("redis")
def test_it_fails_stalled_jobs_in_one_pass(team: Team) -> None:
    quiet = timezone.now() - timedelta(minutes=2)
    run = RunFactory(team=team, status=Run.Status.RUNNING, started_at=quiet, heartbeat_at=quiet, worker_hostname="w")
    out = io.StringIO()
    call_command("reap", "--once", stdout=out)
    assert out.getvalue() == f"job #{run.pk} failed: its worker stopped responding\n"
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED


def test_it_survives_an_outage(caplog: pytest.LogCaptureFixture) -> None:
    with mock.patch("webapp.system.lifecycle.Lifecycle.reap_stale", side_effect=ConnectionError("database is away")):
        call_command("reap", "--once", stdout=io.StringIO())
    assert "will retry: database is away" in caplog.text


@pytest.mark.usefixtures("redis")
def test_it_sends_again_a_queued_job_whose_message_the_broker_lost(team: Team) -> None:
    run = RunFactory(team=team)  # queued, and no message for it anywhere in the broker
    Run.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    out = io.StringIO()
    with mock.patch("webapp.jobs.enqueue_training") as enqueue:
        call_command("reap", "--once", stdout=out)
    assert out.getvalue() == f"job #{run.pk} sent again: its queued message was lost\n"
    enqueue.assert_called_once_with(run_id=run.pk, queue=run.queue)
