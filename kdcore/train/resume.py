"""Resume checkpoints: everything an interrupted run needs to continue after its last finished epoch.

Unlike ``kdcore.checkpoint`` (the chosen weights plus metadata, for use), a resume checkpoint also holds the
optimiser, the EMA, the best weights so far and the epoch history; it is written after every
``checkpoint_every`` epochs and is only ever read back by ``fit(..., resume=True)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from kdcore.train.callbacks import TrainState
from kdcore.train.learner import Learner

RESUME_NAME = "last.pt"  # in the run's out_dir, beside the final best.pt

Weights = dict[str, torch.Tensor]


def training_state(learner: Learner, state: TrainState, best: Weights | None) -> dict[str, Any]:
    """Everything needed to resume after the current epoch."""
    return {
        "model": learner.model.state_dict(),
        "optimizer": learner.optimizer.state_dict(),
        "ema": learner.ema.module.state_dict() if learner.ema else None,
        "best": best,
        "ema_updates": learner.ema.updates if learner.ema else 0,
        "epoch": state.epoch,
        "epochs": state.epochs,
        "global_step": state.global_step,
        "history": state.history,
        "best_val_accuracy": state.best_val_accuracy,
        "best_epoch": state.best_epoch,
        "config": learner.cfg.to_dict(),
    }


def restore(blob: dict[str, Any], learner: Learner, state: TrainState) -> Weights | None:
    """Continue from a ``training_state`` written by an earlier, interrupted run; returns its best weights."""
    learner.model.load_state_dict(blob["model"])
    learner.optimizer.load_state_dict(blob["optimizer"])
    if learner.ema and blob["ema"] is not None:
        learner.ema.module.load_state_dict(blob["ema"])
        learner.ema.updates = blob["ema_updates"]
    state.epoch, state.global_step, state.history = blob["epoch"], blob["global_step"], blob["history"]
    state.epochs = blob.get("epochs", state.epochs)
    learner.total_steps = state.epochs * state.steps_per_epoch
    state.best_val_accuracy, state.best_epoch = blob["best_val_accuracy"], blob["best_epoch"]
    best: Weights | None = blob["best"]
    return best


def load_training_state(path: Path, device: torch.device) -> dict[str, Any]:
    """A resume checkpoint's contents, tensors on ``device`` (plain tensors and containers only)."""
    blob: dict[str, Any] = torch.load(path, map_location=device, weights_only=True)
    return blob


def save_atomically(blob: dict[str, Any], path: Path) -> None:
    """Write then rename, so a run killed mid-save never leaves a truncated resume file."""
    tmp = path.with_suffix(".tmp")
    torch.save(blob, tmp)
    tmp.replace(path)
