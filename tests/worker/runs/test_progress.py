"""RunProgressCallback: batch points throttled to the live feed, every epoch stored, cancel within a poll."""

from dataclasses import asdict
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from kdcore.train import ProgressEvent, TrainState
from tests.run_factories import RunFactory
from webapp.accounts.models import Team, User
from webapp.runs import selectors, services
from webapp.runs.models import Run
from worker.runs.progress import RunProgressCallback


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _event(kind: str = "batch", *, epoch: int = 1, step: int = 1, loss: float = 1.0) -> ProgressEvent:
    return ProgressEvent(
        kind=kind, epoch=epoch, epochs=2, step=step, steps_per_epoch=10, loss=loss, accuracy=0.5, lr=0.1,
        images_per_s=100.0, elapsed_s=1.0, eta_s=9.0, val_loss=0.9 if kind == "epoch" else None,
        val_accuracy=0.6 if kind == "epoch" else None, val_macro_f1=0.5 if kind == "epoch" else None,
    )  # fmt: skip


@pytest.fixture
def running(team: Team) -> Run:
    now = timezone.now()
    return RunFactory(team=team, status=Run.Status.RUNNING, started_at=now, heartbeat_at=now, worker_hostname="w@b")


@pytest.fixture
def state() -> TrainState:
    return TrainState(epochs=2, steps_per_epoch=10)


def test_it_sends_batch_points_to_the_live_feed_about_once_a_second(running: Run, state: TrainState) -> None:
    clock = FakeClock()
    callback = RunProgressCallback(running.pk, clock=clock)
    with mock.patch("webapp.events.publish_run_progress") as publish:
        for step in range(1, 6):
            clock.now = step * 0.3
            callback.on_batch_end(state, _event(step=step))
    assert [call.kwargs["data"]["step"] for call in publish.call_args_list] == [1, 5]
    running.refresh_from_db()
    assert running.progress["step"] == 5  # the heartbeat carries the latest point, for a page reload
    assert not state.should_stop


def test_it_stores_and_pushes_every_epoch(
    running: Run, state: TrainState, django_capture_on_commit_callbacks: Any
) -> None:
    callback = RunProgressCallback(running.pk)
    with mock.patch("webapp.events.publish_run_epoch") as publish, django_capture_on_commit_callbacks(execute=True):
        callback.on_epoch_end(state, _event("epoch", epoch=1, step=10))
        callback.on_epoch_end(state, _event("epoch", epoch=2, step=10, loss=float("nan")))
    epochs = selectors.run_epochs(run=running)
    assert [event["epoch"] for event in epochs] == [1, 2]
    assert epochs[0] == asdict(_event("epoch", epoch=1, step=10))
    assert epochs[1]["loss"] is None
    assert publish.call_count == 2


def test_it_stops_the_loop_once_someone_cancels(running: Run, state: TrainState, alice: User) -> None:
    clock = FakeClock()
    callback = RunProgressCallback(running.pk, clock=clock)
    with mock.patch("webapp.events.publish_run_progress"):
        callback.on_batch_end(state, _event(step=1))
        services.run_cancel(run_id=running.pk, user=alice)
        clock.now = 0.5
        callback.on_batch_end(state, _event(step=2))
        assert not state.should_stop  # polled at most once a second
        clock.now = 1.0
        callback.on_batch_end(state, _event(step=3))
    assert (state.should_stop, state.stop_reason) == (True, services.STOP_CANCELLED)


def test_it_stops_the_loop_when_the_job_was_taken_away(running: Run, state: TrainState) -> None:
    services.run_mark_failed(run_id=running.pk, message="Worker w@b stopped responding")
    RunProgressCallback(running.pk).on_epoch_end(state, _event("epoch"))
    assert (state.should_stop, state.stop_reason) == (True, services.STOP_GONE)
    assert selectors.run_epochs(run=running) == []
