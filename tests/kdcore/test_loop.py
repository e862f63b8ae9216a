"""The training loop on generated stripes: it learns, calls hooks in order, stops, distils and resumes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch
from torch.nn.modules.module import register_module_forward_pre_hook

from kdcore.checkpoint import load_checkpoint
from kdcore.config import DistillConfig, TrainConfig
from kdcore.data import FaceArrays
from kdcore.evaluate import evaluate
from kdcore.models import ResEmoteNet
from kdcore.train import Callback, FitResult, ProgressEvent, TrainState, fit


class Recorder(Callback):
    """Records every hook as (name, epoch index, step); optionally stops the run at the first batch."""

    def __init__(self, *, stop_at_batch: bool = False, stop_after_epoch: bool = False) -> None:
        self.calls: list[tuple[str, int, int]] = []
        self.events: list[ProgressEvent] = []
        self.stop_at_batch, self.stop_after_epoch = stop_at_batch, stop_after_epoch

    def on_fit_start(self, state: TrainState) -> None:
        self.calls.append(("fit_start", state.epoch, state.step))

    def on_epoch_start(self, state: TrainState) -> None:
        self.calls.append(("epoch_start", state.epoch, state.step))

    def on_batch_end(self, state: TrainState, event: ProgressEvent) -> None:
        self.calls.append(("batch_end", state.epoch, state.step))
        if self.stop_at_batch:
            state.should_stop, state.stop_reason = True, "cancelled by test"

    def on_validation_end(self, state: TrainState, event: ProgressEvent) -> None:
        self.calls.append(("validation_end", state.epoch, state.step))

    def on_epoch_end(self, state: TrainState, event: ProgressEvent) -> None:
        self.calls.append(("epoch_end", state.epoch, state.step))
        self.events.append(event)
        if self.stop_after_epoch:
            state.should_stop = True

    def on_fit_end(self, state: TrainState, result: Any) -> None:
        self.calls.append(("fit_end", state.epoch, state.step))

    def names(self) -> list[str]:
        """Hook names in call order."""
        return [name for name, _, _ in self.calls]


@pytest.fixture(scope="module")
def trained(
    stripes: FaceArrays, make_config: Callable[..., TrainConfig], tmp_path_factory: pytest.TempPathFactory
) -> tuple[FitResult, Recorder, Path]:
    """One 6-epoch run shared by the tests that only read its results (~0.7 s after torch warms up)."""
    recorder, out_dir = Recorder(), tmp_path_factory.mktemp("run")
    result = fit(make_config(epochs=6, batch_size=16, lr=1e-2), arrays=stripes, callbacks=[recorder], out_dir=out_dir)
    return result, recorder, out_dir


def test_it_learns_separable_patterns(trained: tuple[FitResult, Recorder, Path]) -> None:
    result, _, _ = trained
    losses = [epoch["loss"] for epoch in result.history]
    assert losses[-1] < 0.7 * losses[0]
    assert result.val is not None
    assert result.val.accuracy >= 0.8
    assert result.test is not None
    assert result.test.accuracy >= 0.8
    assert result.test_tta is not None
    assert not result.stopped


def test_it_calls_the_hooks_in_order(trained: tuple[FitResult, Recorder, Path]) -> None:
    _, recorder, _ = trained
    steps = 128 // 16
    epoch = ["epoch_start", *["batch_end"] * steps, "validation_end", "epoch_end"]
    assert recorder.names() == ["fit_start", *epoch * 6, "fit_end"]
    batch_steps = [step for name, _, step in recorder.calls if name == "batch_end"]
    assert batch_steps == list(range(1, steps + 1)) * 6
    assert [e.epoch for e in recorder.events] == [1, 2, 3, 4, 5, 6]
    assert all(e.kind == "epoch" and e.val_accuracy is not None for e in recorder.events)


def test_it_saves_a_loadable_best_checkpoint(trained: tuple[FitResult, Recorder, Path]) -> None:
    result, _, out_dir = trained
    model, config, meta = load_checkpoint(out_dir / "best.pt")
    assert meta["class_names"] == list(result.class_names) == ["horizontal", "vertical"]
    assert meta["arrays_fingerprint"] == result.fingerprint
    assert config == result.config
    x = torch.randn(3, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(model(x), result.model.eval()(x))


def test_it_evaluates_identically_twice(trained: tuple[FitResult, Recorder, Path], stripes: FaceArrays) -> None:
    result, _, _ = trained
    test = stripes.split("test")
    images, labels = torch.from_numpy(test.images), torch.from_numpy(test.labels)
    first = evaluate(result.model, images, labels, num_classes=2, bf16=False)
    second = evaluate(result.model, images, labels, num_classes=2, bf16=False, batch_size=7)
    assert first.to_dict() == evaluate(result.model, images, labels, num_classes=2, bf16=False).to_dict()
    assert second.report == first.report


def test_it_stops_when_a_callback_asks(stripes: FaceArrays, make_config: Callable[..., TrainConfig]) -> None:
    recorder = Recorder(stop_at_batch=True)
    result = fit(make_config(epochs=3), arrays=stripes, callbacks=[recorder])
    assert result.stopped
    assert result.stop_reason == "cancelled by test"
    assert result.test is None
    assert result.test_tta is None
    assert result.val is None
    assert result.history == []  # the cut-short epoch is neither validated nor recorded
    assert recorder.names() == ["fit_start", "epoch_start", "batch_end", "fit_end"]


def test_it_distils_from_a_saved_teacher(
    stripes: FaceArrays, make_config: Callable[..., TrainConfig], teacher_checkpoint: Path
) -> None:
    teacher = teacher_checkpoint
    for method in ("kd", "dkd"):
        distill = DistillConfig(teacher_checkpoints=(str(teacher),), temperature=2.0, alpha=0.5, method=method)
        result = fit(make_config(epochs=1, distill=distill), arrays=stripes)
        assert result.config["distill"]["method"] == method
        assert all(torch.isfinite(torch.tensor(epoch["loss"])) for epoch in result.history)


def test_it_resumes_at_the_next_epoch(
    stripes: FaceArrays, make_config: Callable[..., TrainConfig], tmp_path: Path
) -> None:
    cfg = make_config(epochs=3)
    first = fit(cfg, arrays=stripes, callbacks=[Recorder(stop_after_epoch=True)], out_dir=tmp_path)
    assert first.stopped
    assert len(first.history) == 1
    assert torch.load(tmp_path / "last.pt", weights_only=True)["epoch"] == 1
    recorder = Recorder()
    second = fit(cfg, arrays=stripes, callbacks=[recorder], out_dir=tmp_path, resume=True)
    assert [epoch for name, epoch, _ in recorder.calls if name == "epoch_start"] == [1, 2]
    assert [e.epoch for e in recorder.events] == [2, 3]
    assert [h["epoch"] for h in second.history] == [1, 2, 3]
    assert second.history[0] == first.history[0]
    assert not second.stopped
    assert second.test is not None


def test_it_starts_afresh_without_resume(
    stripes: FaceArrays, make_config: Callable[..., TrainConfig], tmp_path: Path
) -> None:
    cfg = make_config(epochs=1)
    fit(cfg, arrays=stripes, out_dir=tmp_path)
    recorder = Recorder()
    fit(cfg, arrays=stripes, callbacks=[recorder], out_dir=tmp_path)
    assert [epoch for name, epoch, _ in recorder.calls if name == "epoch_start"] == [0]


@pytest.mark.gpu
def test_it_trains_on_cuda_with_bf16_and_channels_last(
    stripes: FaceArrays, make_config: Callable[..., TrainConfig], teacher_checkpoint: Path
) -> None:
    distill = DistillConfig(teacher_checkpoints=(str(teacher_checkpoint),), temperature=2.0, alpha=0.5)
    cfg = make_config(epochs=6, batch_size=16, lr=1e-2, device="cuda", bf16=True, channels_last=True, distill=distill)
    result = fit(cfg, arrays=stripes)
    assert next(result.model.parameters()).is_cuda
    assert result.test is not None
    assert result.test.accuracy >= 0.8
    assert result.history[-1]["loss"] < result.history[0]["loss"]


class FakeClock:
    """Seconds that pass only when a test moves them on: a time budget planned without a real clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class EpochsTake(Recorder):
    """Each epoch takes ``seconds[i]`` on the fake clock (the last value repeats), and no time otherwise."""

    def __init__(self, clock: FakeClock, *seconds: float) -> None:
        super().__init__()
        self.clock, self.seconds = clock, seconds

    def on_epoch_start(self, state: TrainState) -> None:
        super().on_epoch_start(state)
        self.clock.now += self.seconds[min(state.epoch, len(self.seconds) - 1)]


def test_a_time_budget_cuts_the_epochs_after_two(stripes: FaceArrays, make_config: Callable[..., TrainConfig]) -> None:
    clock = FakeClock()
    epochs = EpochsTake(clock, 1.0)  # after two: 2 s spent, 1 s kept for the end, 3.5 s left for 3 more epochs
    cfg = make_config(epochs=50, time_budget_s=6.5, warmup_epochs=1.0)
    result = fit(cfg, arrays=stripes, callbacks=[epochs], clock=clock)
    assert result.epochs == len(result.history) == result.metrics()["epochs"] == 5
    assert [e.epochs for e in epochs.events] == [50, 5, 5, 5, 5]  # planned after the second epoch, before its event
    assert result.history[-1]["lr"] < 0.1 * cfg.lr  # the cosine schedule was re-planned to end with the run
    assert result.seconds == 5.0  # the run's timings come from the clock it was given
    assert result.test is not None


def test_a_run_that_its_budget_ends_reports_the_epochs_it_ran(
    stripes: FaceArrays, make_config: Callable[..., TrainConfig]
) -> None:
    clock = FakeClock()
    epochs = EpochsTake(clock, 1.0)  # after two: 2 s spent, 1 s kept for the end, 0.5 s left: no third epoch
    result = fit(make_config(epochs=30, time_budget_s=3.5), arrays=stripes, callbacks=[epochs], clock=clock)
    assert result.epochs == len(result.history) == 2
    last = epochs.events[-1]
    assert (last.epoch, last.epochs) == (2, 2)  # "epoch 2 / 2", not "2 / 30"
    assert result.history[-1]["epochs"] == 2


def test_a_budget_follows_epochs_that_slow_down_early(
    stripes: FaceArrays, make_config: Callable[..., TrainConfig]
) -> None:
    clock = FakeClock()
    epochs = EpochsTake(clock, 1.0, 1.0, 15.0)  # the runs beside this one start during its third epoch
    cfg = make_config(epochs=100, time_budget_s=60.0, warmup_epochs=2.0)
    result = fit(cfg, arrays=stripes, callbacks=[epochs], clock=clock)
    # Planned from the two quick epochs alone: 59. The third began within the budget's first 10%, so its 15 s
    # re-plan the run: 17 s spent, 15 s kept for the end, 28 s left for one more epoch.
    assert [e.epochs for e in epochs.events] == [100, 59, 4, 4]
    assert result.epochs == 4
    assert result.seconds <= cfg.time_budget_s


def test_without_a_budget_every_epoch_runs(stripes: FaceArrays, make_config: Callable[..., TrainConfig]) -> None:
    result = fit(make_config(epochs=3), arrays=stripes)
    assert result.epochs == 3
    assert len(result.history) == 3


def test_it_trains_and_evaluates_at_its_input_size(
    stripes: FaceArrays, make_config: Callable[..., TrainConfig], tmp_path: Path
) -> None:
    result = fit(make_config(epochs=1, input_size=48), arrays=stripes, out_dir=tmp_path)
    model, config, _ = load_checkpoint(tmp_path / "best.pt")
    assert config["input_size"] == 48
    assert model.input_size == result.model.input_size == 48


def test_a_teacher_of_another_input_size_sees_its_own_size(
    stripes: FaceArrays, make_config: Callable[..., TrainConfig], teacher_checkpoint: Path
) -> None:
    distill = DistillConfig(teacher_checkpoints=(str(teacher_checkpoint),), temperature=2.0, alpha=0.5)
    result = fit(make_config(epochs=1, input_size=80, distill=distill), arrays=stripes)
    assert result.model.input_size == 80
    assert all(torch.isfinite(torch.tensor(epoch["loss"])) for epoch in result.history)


def test_a_selection_run_never_sees_the_test_split(
    stripes: FaceArrays, make_config: Callable[..., TrainConfig]
) -> None:
    result = fit(make_config(epochs=1, evaluate_test=False), arrays=stripes)
    assert result.val is not None
    assert result.test is None
    assert result.test_tta is None


def test_sharpness_aware_steps_learn_and_change_the_path(
    stripes: FaceArrays, make_config: Callable[..., TrainConfig]
) -> None:
    plain = fit(make_config(epochs=3, batch_size=16, lr=1e-2), arrays=stripes)
    sam = fit(make_config(epochs=3, batch_size=16, lr=1e-2, sam_rho=0.05), arrays=stripes)
    assert sam.config["sam_rho"] == 0.05
    assert sam.history[-1]["loss"] < 0.8 * sam.history[0]["loss"]
    assert sam.val is not None
    assert sam.val.accuracy >= 0.8
    assert [e["loss"] for e in sam.history] != [e["loss"] for e in plain.history]


def test_it_evaluates_the_chosen_weights_in_the_memory_format_it_validated_in(
    stripes: FaceArrays, make_config: Callable[..., TrainConfig]
) -> None:
    channels_last: list[bool] = []

    def record(module: torch.nn.Module, args: tuple[Any, ...]) -> None:
        if isinstance(module, ResEmoteNet) and not module.training:  # evaluations only, not training steps
            channels_last.append(args[0].is_contiguous(memory_format=torch.channels_last))

    hook = register_module_forward_pre_hook(record)
    try:
        fit(make_config(epochs=1, channels_last=True), arrays=stripes)
    finally:
        hook.remove()
    # Validation, then the final val, test and flip-TTA test passes (a plain and a mirrored batch).
    assert channels_last == [True] * 5


class StopAtEpochStart(Recorder):
    """Cancels as the given epoch (0-based) starts, before any of its steps: a cancel that arrives between epochs."""

    def __init__(self, epoch: int) -> None:
        super().__init__()
        self.stop_epoch = epoch

    def on_epoch_start(self, state: TrainState) -> None:
        super().on_epoch_start(state)
        if state.epoch == self.stop_epoch:
            state.should_stop, state.stop_reason = True, "cancelled between epochs"


def test_it_neither_trains_nor_validates_an_epoch_cancelled_as_it_starts(
    stripes: FaceArrays, make_config: Callable[..., TrainConfig]
) -> None:
    recorder = StopAtEpochStart(1)
    result = fit(make_config(epochs=3, batch_size=128), arrays=stripes, callbacks=[recorder])  # one step an epoch
    assert result.stopped
    assert [h["epoch"] for h in result.history] == [1]
    one_epoch = ["epoch_start", "batch_end", "validation_end", "epoch_end"]
    assert recorder.names() == ["fit_start", *one_epoch, "epoch_start", "fit_end"]
