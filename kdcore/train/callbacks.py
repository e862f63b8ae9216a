"""Progress and control of a training run: the ``Callback`` hooks, ``TrainState`` and ``ProgressEvent``.

``asdict(ProgressEvent)`` is the one wire format: the worker stores it, sends it to the browser, and the
browser renders it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ProgressEvent:
    """One point of progress; ``kind`` is ``batch`` (throttled) or ``epoch`` (after validation)."""

    kind: str
    epoch: int
    epochs: int
    step: int
    steps_per_epoch: int
    loss: float
    accuracy: float
    lr: float
    images_per_s: float
    elapsed_s: float
    eta_s: float
    val_loss: float | None = None
    val_accuracy: float | None = None
    val_macro_f1: float | None = None


@dataclass
class TrainState:
    """Mutable state shared with callbacks; set ``should_stop`` to cancel after the current batch."""

    epochs: int
    steps_per_epoch: int
    epoch: int = 0
    step: int = 0
    global_step: int = 0
    should_stop: bool = False
    stop_reason: str = ""
    best_val_accuracy: float = -1.0
    best_epoch: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)


class Callback:
    """No-op hooks; subclass and override the ones you need."""

    def on_fit_start(self, state: TrainState) -> None:
        """Called once before the first epoch."""

    def on_epoch_start(self, state: TrainState) -> None:
        """Called at the start of every epoch."""

    def on_batch_end(self, state: TrainState, event: ProgressEvent) -> None:
        """Called every ``log_every`` optimiser steps with running train loss and accuracy."""

    def on_validation_end(self, state: TrainState, event: ProgressEvent) -> None:
        """Called after each epoch's validation pass, before ``on_epoch_end``."""

    def on_epoch_end(self, state: TrainState, event: ProgressEvent) -> None:
        """Called when an epoch is finished and validated."""

    def on_fit_end(self, state: TrainState, result: Any) -> None:
        """Called once with the final result (test metrics included)."""

    def on_exception(self, state: TrainState, error: BaseException) -> None:
        """Called when the run fails, before the exception propagates."""


class CallbackList(Callback):
    """Fans every hook out to several callbacks, in order."""

    def __init__(self, callbacks: Sequence[Callback] = ()) -> None:
        self.callbacks = list(callbacks)

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("on_"):
            return lambda *args: [getattr(cb, name)(*args) for cb in object.__getattribute__(self, "callbacks")]
        return object.__getattribute__(self, name)
