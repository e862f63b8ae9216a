"""`train_run`: claims a job, trains it, records how it ended; `fit` and the dataset reader are swapped for fakes."""

import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest

from kdcore.checkpoint import load_checkpoint
from kdcore.data import DatasetError
from kdcore.models import build_model
from kdcore.train import Callback, FitResult, ProgressEvent, TrainState
from tests.faces import emotion_faces
from tests.run_factories import RunFactory, TeacherRunFactory, tiny_config
from webapp.accounts.models import Team, User
from webapp.runs import selectors, services
from worker.failures import TaskFailedError
from worker.runs import training

FitFake = Callable[..., Any]


def _event(kind: str, step: int) -> ProgressEvent:
    return ProgressEvent(
        kind=kind, epoch=1, epochs=1, step=step, steps_per_epoch=3, loss=1.0, accuracy=0.5, lr=0.1,
        images_per_s=50.0, elapsed_s=0.1, eta_s=0.0, val_loss=1.0, val_accuracy=0.5, val_macro_f1=0.4,
    )  # fmt: skip


def fake_fit(*, before_step: Callable[[int], None] = lambda step: None) -> FitFake:
    """A `fit` that reports three batches and one epoch through the real callbacks, honouring `should_stop`."""

    def fit(cfg: Any, *, device: Any, callbacks: Sequence[Callback], arrays: Any) -> Any:
        state = TrainState(epochs=1, steps_per_epoch=3)
        for step in range(1, 4):
            before_step(step)
            for callback in callbacks:
                callback.on_batch_end(state, _event("batch", step))
            if state.should_stop:
                break
        else:
            for callback in callbacks:
                callback.on_epoch_end(state, _event("epoch", 3))
        metrics = {"val": {"accuracy": 0.5}, "test": {"accuracy": 0.5}, "stopped": state.should_stop}
        return SimpleNamespace(stopped=state.should_stop, stop_reason=state.stop_reason,
                               metrics=lambda: metrics, class_names=arrays.class_names)  # fmt: skip

    return fit


ARTIFACTS = services.RunArtifacts(checkpoint_path="runs/x/best.pt", onnx_path="", parameters=5, size_bytes=7)


@pytest.fixture
def fakes() -> Iterator[mock.Mock]:
    with (
        mock.patch.object(training, "version_face_arrays", return_value=emotion_faces(per_class=1)),
        mock.patch.object(training, "store_artifacts", return_value=ARTIFACTS) as store,
        mock.patch("webapp.events.publish_run_progress"),
    ):
        yield store


@pytest.fixture
def no_poll_throttle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Poll the cancel flag at every batch, so a test need not wait a second."""
    original = training.RunProgressCallback.__init__
    monkeypatch.setattr(
        training.RunProgressCallback, "__init__", lambda self, run_id: original(self, run_id, poll_interval=0)
    )


def test_it_trains_a_queued_job_and_records_its_result(team: Team, fakes: mock.Mock) -> None:
    run = RunFactory(team=team)
    with mock.patch.object(training, "fit", fake_fit()):
        training.train_run(run.pk, hostname="w@box")
    run.refresh_from_db()
    assert (run.status, run.worker_hostname, run.device) == ("succeeded", "w@box", "cpu")
    assert (run.checkpoint_path, run.parameters, run.accuracy) == ("runs/x/best.pt", 5, 0.5)
    assert [event["epoch"] for event in selectors.run_epochs(run=run)] == [1]
    fakes.assert_called_once()


def test_it_skips_a_job_cancelled_before_a_worker_took_it(team: Team, alice: User, fakes: mock.Mock) -> None:
    run = RunFactory(team=team)
    services.run_cancel(run_id=run.pk, user=alice)
    fit = mock.Mock()
    with mock.patch.object(training, "fit", fit):
        training.train_run(run.pk, hostname="w@box")
    fit.assert_not_called()
    run.refresh_from_db()
    assert run.status == "cancelled"


@pytest.mark.usefixtures("no_poll_throttle")
def test_it_stops_within_a_batch_of_a_cancel_and_says_so(team: Team, alice: User, fakes: mock.Mock) -> None:
    run = RunFactory(team=team)

    def cancel_at_step_two(step: int) -> None:
        if step == 2:
            services.run_cancel(run_id=run.pk, user=alice)

    with mock.patch.object(training, "fit", fake_fit(before_step=cancel_at_step_two)):
        training.train_run(run.pk, hostname="w@box")
    run.refresh_from_db()
    assert run.status == "cancelled"
    assert run.status_message == "Cancelled by alice@example.com after 0 of 1 epochs."
    fakes.assert_not_called()


def test_it_fails_with_the_readers_message_and_reraises(team: Team, fakes: mock.Mock) -> None:
    run = RunFactory(team=team)
    broken = mock.Mock(side_effect=ValueError("the dataset has no training images"))
    with mock.patch.object(training, "fit", broken), pytest.raises(ValueError, match="no training images"):
        training.train_run(run.pk, hostname="w@box")
    run.refresh_from_db()
    assert (run.status, run.status_message) == ("failed", "the dataset has no training images")


def test_it_fails_a_gpu_job_on_a_machine_without_one(team: Team, fakes: mock.Mock) -> None:
    run = RunFactory(team=team, config=tiny_config(device="cuda"))
    with mock.patch("torch.cuda.is_available", return_value=False), pytest.raises(TaskFailedError):
        training.train_run(run.pk, hostname="w@box")
    run.refresh_from_db()
    assert run.status == "failed"
    assert "no CUDA GPU" in run.status_message
    assert "Choose device 'auto' or 'cpu'" in run.status_message


@pytest.mark.parametrize("status", ["running", "succeeded"])
def test_a_redelivered_message_leaves_a_running_or_ended_job_alone(team: Team, fakes: mock.Mock, status: str) -> None:
    # At-least-once delivery (acks_late): the same message may come again, even to a worker that could not run it.
    run = RunFactory(team=team, config=tiny_config(device="cuda"), status=status, worker_hostname="w@first")
    fit = mock.Mock()
    with mock.patch.object(training, "fit", fit), mock.patch("torch.cuda.is_available", return_value=False):
        training.train_run(run.pk, hostname="w@second")
    fit.assert_not_called()
    run.refresh_from_db()
    assert (run.status, run.worker_hostname, run.status_message) == (status, "w@first", "")


def test_it_refuses_a_teacher_that_learned_other_classes(team: Team, fakes: mock.Mock) -> None:
    teacher = TeacherRunFactory(team=team, class_names=["cats", "dogs"])
    run = RunFactory(team=team, teacher=teacher)
    with mock.patch.object(training, "fit", fake_fit()), pytest.raises(TaskFailedError, match="learned the classes"):
        training.train_run(run.pk, hostname="w@box")
    run.refresh_from_db()
    assert run.status == "failed"
    assert f"The teacher (job #{teacher.pk}) learned the classes cats, dogs" in run.status_message


def test_an_expected_failure_is_one_info_line_and_a_fault_keeps_its_traceback(
    team: Team, fakes: mock.Mock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    run = RunFactory(team=team)
    unreadable = mock.Mock(side_effect=DatasetError("expected 7 classes, got 3"))
    with mock.patch.object(training, "fit", unreadable), pytest.raises(TaskFailedError):
        training.train_run(run.pk, hostname="w@box")
    lines = [record for record in caplog.records if record.name.startswith("worker")]
    assert [(record.levelname, record.getMessage()) for record in lines] == [
        ("INFO", f"job #{run.pk} failed: expected 7 classes, got 3")
    ]
    assert all(record.exc_info is None for record in lines)
    faulty = RunFactory(team=team)
    with mock.patch.object(training, "fit", mock.Mock(side_effect=KeyError("bug"))), pytest.raises(KeyError):
        training.train_run(faulty.pk, hostname="w@box")  # propagates: Celery logs it with its traceback


def test_a_finished_job_keeps_its_weights_and_export_but_not_its_resume_state(
    team: Team, fakes: mock.Mock, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    run = RunFactory(team=team)
    folder = tmp_path / run.artifact_dir
    folder.mkdir(parents=True)
    for name in ("best.pt", "model.onnx", "last.pt", "best.pt.tmp"):
        (folder / name).write_bytes(b"x")
    with mock.patch.object(training, "fit", fake_fit()):
        training.train_run(run.pk, hostname="w@box")
    assert sorted(path.name for path in folder.iterdir()) == ["best.pt", "model.onnx"]


def test_its_checkpoint_names_the_dataset_version_with_the_fingerprint_the_pages_show(
    team: Team, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    run = RunFactory(team=team)
    model = build_model(run.config)
    result = FitResult(model=model, config=run.config, best_epoch=1, val=None, test=None, test_tta=None,
                       class_names=tuple("abcdefg"), fingerprint="f" * 64)  # fmt: skip
    with mock.patch.object(training, "_export_onnx", return_value=None):
        artifacts = training.store_artifacts(run, result)
    _, _, meta = load_checkpoint(tmp_path / artifacts.checkpoint_path)
    version = run.dataset_version
    assert meta["dataset_version"] == {"id": version.pk, "label": str(version), "fingerprint": version.fingerprint}
    assert meta["arrays_fingerprint"] == "f" * 64  # kdcore's own, computed otherwise: named otherwise
    assert "dataset_fingerprint" not in meta


@pytest.mark.slow
def test_it_trains_for_real_and_leaves_a_checkpoint_an_onnx_export_and_measurements(
    team: Team, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    run = RunFactory(team=team)
    with (
        mock.patch.object(training, "version_face_arrays", return_value=emotion_faces(per_class=6)),
        mock.patch("webapp.events.publish_run_progress"),
    ):
        training.train_run(run.pk, hostname="w@box")
    run.refresh_from_db()
    assert run.status == "succeeded", run.status_message
    assert (tmp_path / run.checkpoint_path).is_file()
    assert (tmp_path / run.onnx_path).is_file()
    assert run.size_bytes == (tmp_path / run.checkpoint_path).stat().st_size
    assert run.parameters is not None
    assert run.parameters > 0
    assert run.latency_ms is None  # measured by its own task, alone on the machine (tests/worker/runs/test_latency.py)
    assert run.latency_pending
    assert run.metrics["onnx_max_abs_diff"] < 1e-3
    assert run.class_names == ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
    assert len(run.metrics["test"]["per_class_f1"]) == 7
