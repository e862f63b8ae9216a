"""What workers record about a job: start, heartbeat, epochs, and how it ends; and where a job is queued."""

from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from tests.run_factories import RunFactory
from webapp.accounts.models import Team, User
from webapp.runs import selectors, services
from webapp.runs.models import Run
from webapp.runs.serializers import run_payload

EPOCH = {"kind": "epoch", "epoch": 1, "epochs": 2, "step": 4, "steps_per_epoch": 4, "loss": 1.2, "accuracy": 0.4}


@pytest.fixture
def running(team: Team) -> Run:
    now = timezone.now()
    return RunFactory(team=team, status=Run.Status.RUNNING, started_at=now, heartbeat_at=now, worker_hostname="w@b")


def test_it_claims_a_queued_job_once_and_publishes_its_status(
    team: Team, django_capture_on_commit_callbacks: Any
) -> None:
    run = RunFactory(team=team)
    with mock.patch("webapp.events.publish_run_status") as publish, django_capture_on_commit_callbacks(execute=True):
        started = services.run_start(run_id=run.pk, hostname="w@box", device="cpu")
    assert started is not None
    assert (started.status, started.worker_hostname, started.device) == ("running", "w@box", "cpu")
    assert started.heartbeat_at is not None
    publish.assert_called_once_with(run_id=run.pk, data=run_payload(started))
    assert services.run_start(run_id=run.pk, hostname="other@box", device="cpu") is None


def test_it_skips_a_job_cancelled_while_queued(team: Team, alice: User) -> None:
    run = RunFactory(team=team)
    services.run_cancel(run_id=run.pk, user=alice)
    assert services.run_start(run_id=run.pk, hostname="w@box", device="cpu") is None


def test_it_records_each_epoch_once_and_pushes_it(running: Run, django_capture_on_commit_callbacks: Any) -> None:
    with mock.patch("webapp.events.publish_run_epoch") as publish, django_capture_on_commit_callbacks(execute=True):
        assert services.run_epoch_record(run_id=running.pk, event=EPOCH)
        assert services.run_epoch_record(run_id=running.pk, event={**EPOCH, "loss": 1.0})
    assert selectors.run_epochs(run=running) == [{**EPOCH, "loss": 1.0}]
    running.refresh_from_db()
    assert running.progress == {**EPOCH, "loss": 1.0}
    assert publish.call_count == 2


def test_it_stores_a_diverged_loss_as_null(running: Run) -> None:
    services.run_epoch_record(run_id=running.pk, event={**EPOCH, "loss": float("nan"), "val_loss": float("inf")})
    event = selectors.run_epochs(run=running)[0]
    assert (event["loss"], event["val_loss"]) == (None, None)


def test_it_tells_a_worker_to_stop_once_cancelled_or_gone(running: Run, alice: User) -> None:
    assert services.run_heartbeat(run_id=running.pk)
    assert services.run_stop_reason(run_id=running.pk) == ""
    services.run_cancel(run_id=running.pk, user=alice)
    assert services.run_stop_reason(run_id=running.pk) == services.STOP_CANCELLED
    services.run_mark_failed(run_id=running.pk, message="gone")
    assert not services.run_heartbeat(run_id=running.pk)
    assert not services.run_epoch_record(run_id=running.pk, event=EPOCH)
    assert services.run_stop_reason(run_id=running.pk) == services.STOP_GONE


@pytest.mark.parametrize(
    ("event", "done"),
    [
        (EPOCH, 1),
        ({**EPOCH, "step": 2}, 0),  # the epoch a cancel cut short, validated but not whole
        ({**EPOCH, "kind": "batch", "epoch": 2, "step": 1}, 1),
    ],
)
def test_it_says_who_cancelled_and_how_far_the_job_got(
    running: Run, alice: User, event: dict[str, Any], done: int
) -> None:
    services.run_heartbeat(run_id=running.pk, progress=event)
    services.run_cancel(run_id=running.pk, user=alice)
    run = services.run_mark_cancelled(run_id=running.pk)
    assert run is not None
    assert run.status == Run.Status.CANCELLED
    # The planned epochs come from the latest progress event (a time budget may re-plan them), not the config.
    assert run.status_message == f"Cancelled by alice@example.com after {done} of {event['epochs']} epochs."


def test_it_records_a_success_with_its_artifacts_and_queues_its_latency_measurement(
    running: Run, django_capture_on_commit_callbacks: Any
) -> None:
    artifacts = services.RunArtifacts(
        checkpoint_path="runs/1/best.pt", onnx_path="runs/1/model.onnx", parameters=10, size_bytes=99,
        onnx_max_abs_diff=1e-6,
    )  # fmt: skip
    metrics = {"val": {"accuracy": 0.5}, "test": {"accuracy": 0.75}}
    with (
        mock.patch("webapp.jobs.enqueue_latency_measurement") as enqueue,
        mock.patch("webapp.events.publish_run_status"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run = services.run_mark_succeeded(
            run_id=running.pk, metrics=metrics, class_names=["a", "b"], artifacts=artifacts
        )
    assert run is not None
    assert (run.status, run.accuracy, run.parameters, run.latency_ms) == ("succeeded", 0.75, 10, None)
    assert run.metrics["onnx_max_abs_diff"] == 1e-6
    assert run.finished_at is not None
    enqueue.assert_called_once_with(run_id=running.pk)
    assert run.latency_pending
    assert run.latency_summary == "Being measured: waits until its worker's machine is idle."


def test_it_never_revives_a_job_that_already_ended(running: Run) -> None:
    services.run_mark_failed(run_id=running.pk, message="Worker w@b stopped responding")
    artifacts = services.RunArtifacts(checkpoint_path="x", onnx_path="", parameters=1, size_bytes=1)
    assert services.run_mark_succeeded(run_id=running.pk, metrics={}, class_names=[], artifacts=artifacts) is None
    running.refresh_from_db()
    assert (running.status, running.status_message) == ("failed", "Worker w@b stopped responding")
