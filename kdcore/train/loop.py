"""One training loop for teachers and students: GPU-resident data, GPU augmentation, bf16, channels-last.

Honest protocol: the model is chosen on the validation split each epoch; the test split is evaluated once,
at the end, with the chosen weights (flip test-time augmentation reported separately).
"""

from __future__ import annotations

import copy
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn

from kdcore.augment import Mix, augment_batch, mix_images, mixed_labels
from kdcore.checkpoint import load_checkpoint, save_checkpoint
from kdcore.config import TrainConfig
from kdcore.data import FaceArrays
from kdcore.evaluate import EvalResult, evaluate, input_size_of
from kdcore.losses import DistillationLoss
from kdcore.models import build_model
from kdcore.runtime import autocast, resolve_device, seed_everything
from kdcore.soft_targets import load_soft_targets
from kdcore.train.callbacks import Callback, CallbackList, ProgressEvent, TrainState
from kdcore.train.data import DeviceData, load_device_data
from kdcore.train.optim import (
    WeightEma,
    build_optimizer,
    frozen_norm_statistics,
    lr_at,
    sam_ascend,
    sam_restore,
    set_lr,
)

logger = logging.getLogger(__name__)
REPLAN_WINDOW = 0.1  # fraction of a time budget during which the planned epochs follow the measured speed


@dataclass
class FitResult:
    """What a run produced: the chosen model, its metrics and the epoch history."""

    model: nn.Module
    config: dict[str, Any]
    best_epoch: int
    val: EvalResult | None
    test: EvalResult | None
    test_tta: EvalResult | None
    history: list[dict[str, Any]] = field(default_factory=list)
    stopped: bool = False
    stop_reason: str = ""
    seconds: float = 0.0
    train_images_per_s: float = 0.0
    class_names: tuple[str, ...] = ()
    fingerprint: str = ""
    epochs: int = 0  # epochs planned at the end: the config's, or fewer when a time budget cut them

    def metrics(self) -> dict[str, Any]:
        """Plain JSON-ready summary (no tensors)."""
        return {
            "epochs": self.epochs,
            "best_epoch": self.best_epoch,
            "val": self.val.to_dict() if self.val else None,
            "test": self.test.to_dict() if self.test else None,
            "test_tta_flip": self.test_tta.to_dict() if self.test_tta else None,
            "stopped": self.stopped,
            "stop_reason": self.stop_reason,
            "seconds": round(self.seconds, 2),
            "train_images_per_s": round(self.train_images_per_s, 1),
        }


def load_teachers(paths: Sequence[str], device: torch.device, channels_last: bool) -> list[nn.Module]:
    """Frozen teachers in eval mode; their logits are averaged when there are several."""
    teachers = []
    for path in paths:
        model, _, _ = load_checkpoint(path, device=device)
        model.requires_grad_(False)
        teachers.append(model.to(memory_format=torch.channels_last) if channels_last else model)
    return teachers


def _loss_for(cfg: TrainConfig) -> DistillationLoss:
    if cfg.distill is None:
        return DistillationLoss({"ce": 1.0}, label_smoothing=cfg.label_smoothing)
    d = cfg.distill
    return DistillationLoss(
        {"ce": 1 - d.alpha, d.method: d.alpha},
        temperature=d.temperature,
        label_smoothing=cfg.label_smoothing,
        dkd_alpha=d.dkd_alpha,
        dkd_beta=d.dkd_beta,
    )


class _Run:
    """The state of one fit; methods are the loop's steps."""

    def __init__(self, cfg: TrainConfig, device: torch.device, data: DeviceData, callbacks: Sequence[Callback]) -> None:
        self.cfg, self.device, self.data = cfg, device, data
        self.callbacks = CallbackList(callbacks)
        self.num_classes = len(data.class_names)
        self.model = build_model(cfg.to_dict(), self.num_classes).to(device)
        if cfg.channels_last:
            self.model = self.model.to(memory_format=torch.channels_last)
        self.teachers = load_teachers(cfg.distill.teacher_checkpoints, device, cfg.channels_last) if cfg.distill else []
        self.stored_logits = (
            torch.from_numpy(load_soft_targets(cfg.distill.soft_targets, data.train_checksum)).to(device)
            if cfg.distill and cfg.distill.soft_targets
            else None
        )
        self.rng = np.random.default_rng(cfg.seed)  # host-side draws (mixup/cutmix), seeded per run
        self.epoch_seconds: list[float] = []
        self.resumed = False  # a resumed run keeps the epochs it planned before
        self.criterion = _loss_for(cfg)
        self.optimizer = build_optimizer(self.model, cfg)
        self.ema = WeightEma(self.model, cfg.ema_decay) if cfg.ema_decay > 0 else None
        self.batch_size = min(cfg.batch_size, len(data.train))
        steps = len(data.train) // self.batch_size
        self.state = TrainState(epochs=cfg.epochs, steps_per_epoch=steps)
        self.total_steps = steps * cfg.epochs
        self.warmup_steps = int(cfg.warmup_epochs * steps)
        self.best_state: dict[str, torch.Tensor] | None = None
        self.started = time.perf_counter()
        self.images_seen = 0

    @property
    def eval_model(self) -> nn.Module:
        """The weights that are validated and kept: the EMA when enabled."""
        return self.ema.module if self.ema else self.model

    def teacher_logits(self, x: torch.Tensor, idx: torch.Tensor, mix: Mix | None) -> torch.Tensor | None:
        """Mean logits of the frozen teachers on ``x``, or the stored ones of images ``idx`` mixed as ``x`` was;
        None when not distilling."""
        if self.stored_logits is not None:
            stored = self.stored_logits[idx]
            return mix.logits(stored, self.cfg.distill.temperature) if mix and self.cfg.distill else stored
        if not self.teachers:
            return None
        logits = []
        with torch.no_grad():
            for teacher in self.teachers:  # each teacher sees the batch at the size it was trained at
                size = input_size_of(teacher)
                xt = x if x.shape[-1] == size else F.interpolate(x, size=(size, size), mode="bilinear")
                logits.append(teacher(xt).float())
        return torch.stack(logits).mean(0)

    def train_step(self, idx: torch.Tensor, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """One optimiser step on training images ``idx``; returns (loss, correct count) as device tensors (no sync)."""
        cfg, train = self.cfg, self.data.train
        images, labels = train.images[idx], train.labels[idx]
        set_lr(self.optimizer, lr_at(self.state.global_step, self.total_steps, self.warmup_steps, cfg.lr))
        x = augment_batch(images, cfg.augment, size=cfg.input_size, channels_last=cfg.channels_last, gen=gen)
        x, mix = mix_images(x, cfg.augment, gen=gen, rng=self.rng)
        target = mixed_labels(labels, mix, self.num_classes)
        with autocast(self.device, cfg.bf16):
            teacher = self.teacher_logits(x, idx, mix)
            logits = self.model(x)
            loss = self.criterion(logits, teacher, target)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if cfg.sam_rho > 0:
            self.sharpness_aware_gradient(x, teacher, target)
        self.optimizer.step()
        if self.ema:
            self.ema.update(self.model)
        hard = target if target.ndim == 1 else target.argmax(1)
        return loss.detach(), (logits.argmax(1) == hard).sum()

    def sharpness_aware_gradient(self, x: torch.Tensor, teacher: torch.Tensor | None, target: torch.Tensor) -> None:
        """Replace the gradient with the one at weights moved ``sam_rho`` up it (SAM): a second forward and backward
        pass of the same batch, against the same teacher logits."""
        moved = sam_ascend(self.model, self.cfg.sam_rho)
        self.optimizer.zero_grad(set_to_none=True)
        with frozen_norm_statistics(self.model), autocast(self.device, self.cfg.bf16):
            loss = self.criterion(self.model(x), teacher, target)
        loss.backward()
        sam_restore(moved)

    def event(self, kind: str, loss: float, acc: float, epoch_started: float, steps_done: int) -> ProgressEvent:
        """A progress point with throughput and an ETA for the whole run."""
        st = self.state
        now = time.perf_counter()
        done = st.epoch + steps_done / max(1, st.steps_per_epoch)
        elapsed_epoch = now - epoch_started
        per_epoch = elapsed_epoch / max(1e-9, steps_done / max(1, st.steps_per_epoch))
        return ProgressEvent(
            kind=kind,
            epoch=st.epoch + 1,
            epochs=st.epochs,
            step=steps_done,
            steps_per_epoch=st.steps_per_epoch,
            loss=loss,
            accuracy=acc,
            lr=self.optimizer.param_groups[0]["lr"],
            images_per_s=steps_done * self.batch_size / max(1e-9, elapsed_epoch),
            elapsed_s=now - self.started,
            eta_s=max(0.0, (st.epochs - done) * per_epoch),
        )

    def train_epoch(self) -> ProgressEvent:
        """One pass over shuffled training data; batch events every ``log_every`` steps."""
        st, cfg, train = self.state, self.cfg, self.data.train
        gen = torch.Generator(device=self.device).manual_seed(cfg.seed * 100_003 + st.epoch)
        order = torch.randperm(len(train), device=self.device, generator=gen)
        self.model.train()
        loss_sum = torch.zeros((), device=self.device)
        correct = torch.zeros((), device=self.device, dtype=torch.long)
        started, steps_done = time.perf_counter(), 0
        for step in range(st.steps_per_epoch):
            idx = order[step * self.batch_size : (step + 1) * self.batch_size]
            loss, right = self.train_step(idx, gen)
            loss_sum += loss
            correct += right
            steps_done, st.step = step + 1, step + 1
            st.global_step += 1
            if steps_done % cfg.log_every == 0 or steps_done == st.steps_per_epoch:
                seen = steps_done * self.batch_size
                ev = self.event("batch", loss_sum.item() / steps_done, correct.item() / seen, started, steps_done)
                self.callbacks.on_batch_end(st, ev)
            if st.should_stop:
                break
        self.images_seen += steps_done * self.batch_size
        seen = max(1, steps_done * self.batch_size)
        return self.event("epoch", loss_sum.item() / max(1, steps_done), correct.item() / seen, started, steps_done)

    def validate(self, event: ProgressEvent) -> None:
        """Evaluate on val, keep the best weights, record the epoch."""
        st, val = self.state, self.data.val
        result = evaluate(
            self.eval_model,
            val.images,
            val.labels,
            num_classes=self.num_classes,
            batch_size=self.cfg.eval_batch_size,
            bf16=self.cfg.bf16,
            channels_last=self.cfg.channels_last,
        )
        event.val_loss, event.val_accuracy, event.val_macro_f1 = result.loss, result.accuracy, result.report.macro_f1
        if result.accuracy > st.best_val_accuracy:
            st.best_val_accuracy, st.best_epoch = result.accuracy, st.epoch + 1
            self.best_state = {k: v.detach().clone() for k, v in self.eval_model.state_dict().items()}
        st.history.append(asdict(event))
        self.callbacks.on_validation_end(st, event)

    def budget_replan_due(self, epoch_started: float) -> bool:
        """Whether the epoch that just ended (it began at ``epoch_started``) re-plans the run to its time budget."""
        budget, done = self.cfg.time_budget_s, len(self.epoch_seconds)
        if not budget or self.resumed or done < 2:
            return False
        return done == 2 or epoch_started - self.started <= REPLAN_WINDOW * budget

    def fit_to_budget(self) -> None:
        """Plan the epochs so the run ends within ``time_budget_s``, from the last epoch's duration.

        Called after the second epoch (the first is left out: cuDNN autotuning makes it slow) and again after
        every epoch that began within the first ``REPLAN_WINDOW`` of the budget: on a shared GPU the epochs speed
        up or slow down as the runs beside this one start. The cosine schedule is re-planned over the new length;
        that early it has barely begun to decay, so the learning rate moves by a few percent at most.
        """
        st, budget = self.state, self.cfg.time_budget_s
        per_epoch = self.epoch_seconds[-1]
        left = budget - (time.perf_counter() - self.started) - per_epoch  # one epoch kept for the final evaluation
        epochs = max(st.epoch, min(self.cfg.epochs, st.epoch + math.floor(left / max(per_epoch, 1e-9))))
        if epochs != st.epochs:
            logger.info("budget %.0f s at %.2f s/epoch: %d epochs, not %d", budget, per_epoch, epochs, st.epochs)
            st.epochs, self.total_steps = epochs, epochs * st.steps_per_epoch

    def training_state(self) -> dict[str, Any]:
        """Everything needed to resume after the current epoch."""
        return {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "ema": self.ema.module.state_dict() if self.ema else None,
            "best": self.best_state,
            "ema_updates": self.ema.updates if self.ema else 0,
            "epoch": self.state.epoch,
            "epochs": self.state.epochs,
            "global_step": self.state.global_step,
            "history": self.state.history,
            "best_val_accuracy": self.state.best_val_accuracy,
            "best_epoch": self.state.best_epoch,
            "config": self.cfg.to_dict(),
        }

    def restore(self, blob: dict[str, Any]) -> None:
        """Continue from a ``training_state`` written by an earlier, interrupted run."""
        self.model.load_state_dict(blob["model"])
        self.optimizer.load_state_dict(blob["optimizer"])
        if self.ema and blob["ema"] is not None:
            self.ema.module.load_state_dict(blob["ema"])
            self.ema.updates = blob["ema_updates"]
        st = self.state
        st.epoch, st.global_step, st.history = blob["epoch"], blob["global_step"], blob["history"]
        st.epochs, self.resumed = blob.get("epochs", st.epochs), True
        self.total_steps = st.epochs * st.steps_per_epoch
        st.best_val_accuracy, st.best_epoch, self.best_state = (
            blob["best_val_accuracy"],
            blob["best_epoch"],
            blob["best"],
        )

    def finish(self) -> FitResult:
        """Load the chosen weights and evaluate the test split once."""
        st, cfg, test = self.state, self.cfg, self.data.test
        model = copy.deepcopy(self.eval_model)
        if self.best_state is not None:
            model.load_state_dict(self.best_state)
        kwargs: dict[str, Any] = {"num_classes": self.num_classes, "batch_size": cfg.eval_batch_size, "bf16": cfg.bf16}
        stopped = st.should_stop  # a cancelled run's result is discarded: evaluate nothing more
        val_split = self.data.val
        val = evaluate(model, val_split.images, val_split.labels, **kwargs) if len(val_split) and not stopped else None
        run_test = len(test) > 0 and not stopped and cfg.evaluate_test
        elapsed = time.perf_counter() - self.started
        return FitResult(
            model=model.eval(),
            config=cfg.to_dict(),
            best_epoch=st.best_epoch,
            val=val,
            test=evaluate(model, test.images, test.labels, **kwargs) if run_test else None,
            test_tta=evaluate(model, test.images, test.labels, tta_flip=True, **kwargs) if run_test else None,
            history=st.history,
            stopped=stopped,
            stop_reason=st.stop_reason,
            seconds=elapsed,
            train_images_per_s=self.images_seen / max(1e-9, elapsed),
            class_names=self.data.class_names,
            fingerprint=self.data.fingerprint,
            epochs=st.epochs,
        )


def fit(
    cfg: TrainConfig,
    *,
    device: torch.device | str | None = None,
    callbacks: Sequence[Callback] = (),
    arrays: FaceArrays | None = None,
    out_dir: str | Path | None = None,
    resume: bool = False,
) -> FitResult:
    """Train (or distil, when ``cfg.distill`` is set) and return the validation-chosen model and metrics.

    Args:
        cfg: the run; validated here.
        device: defaults to ``cfg.device`` (``auto`` picks CUDA when present).
        callbacks: progress and cancellation hooks.
        arrays: an already-read dataset (otherwise ``cfg.data.path`` is read).
        out_dir: where ``last.pt`` (resume state, each epoch) and ``best.pt`` (final checkpoint) go.
        resume: continue from ``out_dir/last.pt`` when it exists.
    """
    cfg.validate()
    dev = resolve_device(cfg.device) if device is None else torch.device(device)
    seed_everything(cfg.seed)
    stored_targets = bool(cfg.distill and cfg.distill.soft_targets)
    run = _Run(cfg, dev, load_device_data(cfg.data, dev, arrays=arrays, checksum=stored_targets), callbacks)
    last = Path(out_dir) / "last.pt" if out_dir else None
    if out_dir:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    if resume and last and last.exists():
        run.restore(torch.load(last, map_location=dev, weights_only=True))
    try:
        run.callbacks.on_fit_start(run.state)
        while run.state.epoch < run.state.epochs and not run.state.should_stop:
            run.callbacks.on_epoch_start(run.state)
            epoch_started = time.perf_counter()
            event = run.train_epoch()
            if event.step < event.steps_per_epoch:
                break  # cancelled mid-epoch: an incomplete epoch is neither validated nor kept to resume from
            run.validate(event)
            run.callbacks.on_epoch_end(run.state, event)
            run.epoch_seconds.append(time.perf_counter() - epoch_started)  # callbacks' time counts too
            run.state.epoch += 1
            if run.budget_replan_due(epoch_started):
                run.fit_to_budget()
            if last and cfg.checkpoint_every and run.state.epoch % cfg.checkpoint_every == 0:
                _save_atomically(run.training_state(), last)
        result = run.finish()
    except BaseException as error:
        run.callbacks.on_exception(run.state, error)
        raise
    if out_dir:
        save_checkpoint(Path(out_dir) / "best.pt", result.model, result.config, checkpoint_meta(result))
    run.callbacks.on_fit_end(run.state, result)
    return result


def _save_atomically(blob: dict[str, Any], path: Path) -> None:
    """Write then rename, so a run killed mid-save never leaves a truncated resume file."""
    tmp = path.with_suffix(".tmp")
    torch.save(blob, tmp)
    tmp.replace(path)


def checkpoint_meta(result: FitResult) -> dict[str, Any]:
    """Metadata stored beside the weights: names, data fingerprint, metrics, seed."""
    cfg = result.config
    return {
        "model": cfg["model"],
        "width_mult": getattr(result.model, "width_mult", None),
        "class_names": list(result.class_names),
        "dataset_fingerprint": result.fingerprint,
        "seed": cfg["seed"],
        "metrics": result.metrics(),
    }
