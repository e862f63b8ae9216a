"""A cross-fit reports as one job: k fold trainings on one progress bar with one ETA, and one cancel switch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from kdcore.train import Callback, ProgressEvent, TrainState
from kdcore.train.callbacks import CallbackList

TRAINING, PREDICTED = "training", "predicted"


@dataclass(frozen=True)
class CrossFitProgress:
    """Where a cross-fit stands; ``asdict`` of it is JSON-ready, for the job page.

    ``fold`` and ``epoch`` count from 1. ``fraction`` is the share of the whole cross-fit done, in [0, 1]: every
    fold weighs the same, and it never decreases (a time budget may re-plan a fold's epochs; the bar does not go
    back). ``eta_s`` spreads the time spent so far over what is left. ``stage`` is ``training`` while a fold's
    model trains and ``predicted`` once it has scored its held-out fold.
    """

    stage: str
    fold: int
    folds: int
    epoch: int
    epochs: int
    step: int
    steps_per_epoch: int
    fraction: float
    elapsed_s: float
    eta_s: float


class CrossFitTracker:
    """Turns (fold, epoch, step) into the whole job's fraction, elapsed time and ETA, and reports each point."""

    def __init__(
        self, folds: int, report: Callable[[CrossFitProgress], None] | None, clock: Callable[[], float]
    ) -> None:
        self.folds, self.report, self.clock = folds, report, clock
        self.started = clock()
        self.fraction = 0.0

    def point(
        self, stage: str, fold: int, *, epoch: int, epochs: int, step: int, steps_per_epoch: int
    ) -> CrossFitProgress:
        """Report fold ``fold`` (0-based) after ``step`` steps of epoch ``epoch`` (0-based) of ``epochs``."""
        epochs, steps = max(1, epochs), max(1, steps_per_epoch)
        within = 1.0 if stage == PREDICTED else min(1.0, (epoch + step / steps) / epochs)
        self.fraction = max(self.fraction, (fold + within) / self.folds)
        elapsed = self.clock() - self.started
        eta = elapsed * (1 - self.fraction) / self.fraction if self.fraction > 0 else 0.0
        progress = CrossFitProgress(
            stage=stage, fold=fold + 1, folds=self.folds, epoch=min(epoch + 1, epochs), epochs=epochs, step=step,
            steps_per_epoch=steps_per_epoch, fraction=self.fraction, elapsed_s=elapsed, eta_s=eta,
        )  # fmt: skip
        if self.report is not None:
            self.report(progress)
        return progress

    def predicted(self, fold: int, epochs: int) -> CrossFitProgress:
        """Report that fold ``fold`` (0-based) has scored its held-out faces."""
        return self.point(PREDICTED, fold, epoch=epochs - 1, epochs=epochs, step=0, steps_per_epoch=0)


class FoldCallback(Callback):
    """Sits in one fold's ``fit``: forwards every hook to the caller's callbacks, with events re-counted over the
    whole cross-fit (epoch ``fold·E + e`` of ``k·E``, the job's elapsed time and ETA), so a callback written for a
    training job (stored epochs, a live bar) shows the cross-fit as one run. It also polls ``should_stop`` at each
    batch event and epoch end and turns a yes into ``TrainState.should_stop``."""

    def __init__(
        self,
        tracker: CrossFitTracker,
        fold: int,
        callbacks: Sequence[Callback],
        should_stop: Callable[[], bool] | None,
    ) -> None:
        self.tracker, self.fold = tracker, fold
        self.callbacks = CallbackList(list(callbacks))
        self.should_stop = should_stop

    def on_fit_start(self, state: TrainState) -> None:
        """Called once before the fold's first epoch."""
        self.callbacks.on_fit_start(state)
        self._poll(state)

    def on_epoch_start(self, state: TrainState) -> None:
        """Called at the start of every epoch of the fold."""
        self.callbacks.on_epoch_start(state)

    def on_batch_end(self, state: TrainState, event: ProgressEvent) -> None:
        """Called every ``log_every`` steps: report, forward, poll."""
        self.callbacks.on_batch_end(state, self._whole_job(state, event))
        self._poll(state)

    def on_validation_end(self, state: TrainState, event: ProgressEvent) -> None:
        """Called after each validation on the fold's inner validation slice."""
        self.callbacks.on_validation_end(state, self._whole_job(state, event))

    def on_epoch_end(self, state: TrainState, event: ProgressEvent) -> None:
        """Called when an epoch of the fold is finished and validated."""
        self.callbacks.on_epoch_end(state, self._whole_job(state, event))
        self._poll(state)

    def on_fit_end(self, state: TrainState, result: Any) -> None:
        """Called with the fold's ``FitResult``."""
        self.callbacks.on_fit_end(state, result)

    def on_exception(self, state: TrainState, error: BaseException) -> None:
        """Called when the fold's training fails."""
        self.callbacks.on_exception(state, error)

    def _whole_job(self, state: TrainState, event: ProgressEvent) -> ProgressEvent:
        point = self.tracker.point(
            TRAINING, self.fold, epoch=state.epoch, epochs=state.epochs, step=event.step,
            steps_per_epoch=state.steps_per_epoch,
        )  # fmt: skip
        return replace(
            event,
            epoch=self.fold * point.epochs + event.epoch,
            epochs=self.tracker.folds * point.epochs,
            elapsed_s=point.elapsed_s,
            eta_s=point.eta_s,
        )

    def _poll(self, state: TrainState) -> None:
        if self.should_stop is not None and not state.should_stop and self.should_stop():
            state.should_stop, state.stop_reason = True, state.stop_reason or "cancelled"
