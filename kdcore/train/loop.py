"""One training loop for teachers and students: GPU-resident data, GPU augmentation, bf16, channels-last.

Honest protocol: the model is chosen on the validation split each epoch; the test split is evaluated once,
at the end, with the chosen weights (flip test-time augmentation reported separately).

The loop's parts live beside it: ``learner`` (one optimiser step), ``teachers`` (what a distilling run learns
from), ``budget`` (epochs planned to a time budget), ``resume`` (resume checkpoints) and ``result`` (``FitResult``).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

from kdcore.checkpoint import save_checkpoint
from kdcore.config import TrainConfig
from kdcore.data import FaceArrays
from kdcore.evaluate import EvalResult, evaluate
from kdcore.runtime import resolve_device, seed_everything
from kdcore.train.budget import Clock, TimeBudget
from kdcore.train.callbacks import Callback, CallbackList, ProgressEvent, TrainState
from kdcore.train.data import DeviceData, DeviceSplit, load_device_data
from kdcore.train.learner import Learner
from kdcore.train.result import FitResult, checkpoint_meta
from kdcore.train.resume import RESUME_NAME, Weights, load_training_state, restore, save_atomically, training_state

__all__ = ["FitResult", "checkpoint_meta", "fit"]  # checkpoint_meta stays importable from here (worker.training)


@dataclass(frozen=True)
class _Pass:
    """An epoch's training so far: running loss and accuracy over ``steps`` steps that took ``seconds``."""

    loss: float
    accuracy: float
    steps: int
    seconds: float
    elapsed: float  # seconds since the run started, when these were measured


class _Run:
    """The state of one fit; methods are the loop's steps."""

    def __init__(
        self, cfg: TrainConfig, device: torch.device, data: DeviceData, callbacks: Sequence[Callback], clock: Clock
    ) -> None:
        self.cfg, self.device, self.data = cfg, device, data
        self.callbacks = CallbackList(callbacks)
        self.num_classes = len(data.class_names)
        self.batch_size = min(cfg.batch_size, len(data.train))
        steps = len(data.train) // self.batch_size
        self.learner = Learner(
            cfg, device, num_classes=self.num_classes, steps_per_epoch=steps, train_checksum=data.train_checksum
        )
        self.state = TrainState(epochs=cfg.epochs, steps_per_epoch=steps)
        self.best_state: Weights | None = None
        self.budget = TimeBudget(cfg.time_budget_s, clock=clock)
        self.images_seen = 0

    def event(self, kind: str, done: _Pass, val: EvalResult | None = None) -> ProgressEvent:
        """A progress point with throughput and an ETA for the whole run, as planned now."""
        st = self.state
        fraction = done.steps / max(1, st.steps_per_epoch)
        per_epoch = done.seconds / max(1e-9, fraction)
        return ProgressEvent(
            kind=kind,
            epoch=st.epoch + 1,
            epochs=st.epochs,
            step=done.steps,
            steps_per_epoch=st.steps_per_epoch,
            loss=done.loss,
            accuracy=done.accuracy,
            lr=self.learner.optimizer.param_groups[0]["lr"],
            images_per_s=done.steps * self.batch_size / max(1e-9, done.seconds),
            elapsed_s=done.elapsed,
            eta_s=max(0.0, (st.epochs - st.epoch - fraction) * per_epoch),
            val_loss=val.loss if val else None,
            val_accuracy=val.accuracy if val else None,
            val_macro_f1=val.report.macro_f1 if val else None,
        )

    def train_epoch(self) -> _Pass:
        """One pass over shuffled training data; batch events every ``log_every`` steps.

        A cancel (``should_stop``) ends the pass before its next step; the result then says how many steps ran.
        """
        st, cfg, train, clock = self.state, self.cfg, self.data.train, self.budget.clock
        gen = torch.Generator(device=self.device).manual_seed(cfg.seed * 100_003 + st.epoch)
        order = torch.randperm(len(train), device=self.device, generator=gen)
        self.learner.model.train()
        loss_sum = torch.zeros((), device=self.device)
        correct = torch.zeros((), device=self.device, dtype=torch.long)
        started, steps_done = clock(), 0

        def progress() -> _Pass:
            seen = max(1, steps_done * self.batch_size)
            loss, accuracy = loss_sum.item() / max(1, steps_done), correct.item() / seen
            return _Pass(loss, accuracy, steps_done, clock() - started, self.budget.elapsed())

        for step in range(st.steps_per_epoch):
            if st.should_stop:  # checked before every step, so a cancel as the epoch starts trains nothing
                break
            idx = order[step * self.batch_size : (step + 1) * self.batch_size]
            loss, right = self.learner.step(train.images[idx], train.labels[idx], idx, gen, st.global_step)
            loss_sum += loss
            correct += right
            steps_done, st.step = step + 1, step + 1
            st.global_step += 1
            if steps_done % cfg.log_every == 0 or steps_done == st.steps_per_epoch:
                self.callbacks.on_batch_end(st, self.event("batch", progress()))
        self.images_seen += steps_done * self.batch_size
        return progress()

    def evaluate(self, model: nn.Module, split: DeviceSplit, *, tta_flip: bool = False) -> EvalResult:
        """Evaluate ``model`` on a split with the run's settings: validation and the final evaluation of the chosen
        weights must see the same inputs (memory format included), or the chosen epoch's numbers would not repeat."""
        cfg = self.cfg
        return evaluate(
            model,
            split.images,
            split.labels,
            num_classes=self.num_classes,
            batch_size=cfg.eval_batch_size,
            bf16=cfg.bf16,
            channels_last=cfg.channels_last,
            tta_flip=tta_flip,
        )

    def validate(self) -> EvalResult:
        """Evaluate the epoch's weights on val and keep them when they are the best so far."""
        st, model = self.state, self.learner.eval_model
        result = self.evaluate(model, self.data.val)
        if result.accuracy > st.best_val_accuracy:
            st.best_val_accuracy, st.best_epoch = result.accuracy, st.epoch + 1
            self.best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        return result

    def replan(self) -> None:
        """Follow the time budget after an epoch: the epochs to run in all, and the cosine schedule over them."""
        st = self.state
        st.epochs = self.budget.end_epoch(done=st.epoch + 1, planned=st.epochs, most=self.cfg.epochs)
        self.learner.total_steps = st.epochs * st.steps_per_epoch

    def resume_from(self, path: Path) -> None:
        """Continue where the interrupted run that wrote ``path`` left off, keeping the epochs it planned."""
        self.best_state = restore(load_training_state(path, self.device), self.learner, self.state)
        self.budget.frozen = True

    def finish(self) -> FitResult:
        """Load the chosen weights and evaluate the test split once."""
        st, cfg, test = self.state, self.cfg, self.data.test
        model = copy.deepcopy(self.learner.eval_model)
        if self.best_state is not None:
            model.load_state_dict(self.best_state)
        stopped = st.should_stop  # a cancelled run's result is discarded: evaluate nothing more
        run_test = len(test) > 0 and not stopped and cfg.evaluate_test
        elapsed = self.budget.elapsed()
        return FitResult(
            model=model.eval(),
            config=cfg.to_dict(),
            best_epoch=st.best_epoch,
            val=self.evaluate(model, self.data.val) if len(self.data.val) and not stopped else None,
            test=self.evaluate(model, test) if run_test else None,
            test_tta=self.evaluate(model, test, tta_flip=True) if run_test else None,
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
    clock: Clock = time.perf_counter,
) -> FitResult:
    """Train (or distil, when ``cfg.distill`` is set) and return the validation-chosen model and metrics.

    Args:
        cfg: the run; validated here.
        device: defaults to ``cfg.device`` (``auto`` picks CUDA when present).
        callbacks: progress and cancellation hooks.
        arrays: an already-read dataset (otherwise ``cfg.data.path`` is read).
        out_dir: where ``last.pt`` (resume state, each epoch) and ``best.pt`` (final checkpoint) go.
        resume: continue from ``out_dir/last.pt`` when it exists.
        clock: seconds for the time budget and the reported timings; tests pass a fake one.
    """
    cfg.validate()
    dev = resolve_device(cfg.device) if device is None else torch.device(device)
    seed_everything(cfg.seed)
    stored_targets = bool(cfg.distill and cfg.distill.soft_targets)
    data = load_device_data(cfg.data, dev, arrays=arrays, checksum=stored_targets)
    run = _Run(cfg, dev, data, callbacks, clock)
    last = Path(out_dir) / RESUME_NAME if out_dir else None
    if out_dir:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    if resume and last and last.exists():
        run.resume_from(last)
    try:
        run.callbacks.on_fit_start(run.state)
        while run.state.epoch < run.state.epochs and not run.state.should_stop:
            _run_epoch(run, last)
        result = run.finish()
    except BaseException as error:
        run.callbacks.on_exception(run.state, error)
        raise
    if out_dir:
        save_checkpoint(Path(out_dir) / "best.pt", result.model, result.config, checkpoint_meta(result))
    run.callbacks.on_fit_end(run.state, result)
    return result


def _run_epoch(run: _Run, last: Path | None) -> None:
    """Train and validate one epoch, re-plan it to the time budget, report it, then write the resume checkpoint.

    The re-plan comes before the epoch's event, so what a run reports as planned (``ProgressEvent.epochs``) is what
    it runs: a run that the budget ends after this epoch says "epoch 2 / 2", not "2 / 30".
    """
    st, every = run.state, run.cfg.checkpoint_every
    run.callbacks.on_epoch_start(st)
    trained = run.train_epoch()
    if trained.steps < st.steps_per_epoch:
        return  # cancelled before its last step: an incomplete epoch is neither validated, recorded nor resumed from
    val = run.validate()
    run.replan()
    event = run.event("epoch", trained, val)
    st.history.append(asdict(event))
    run.callbacks.on_validation_end(st, event)
    run.callbacks.on_epoch_end(st, event)
    st.epoch += 1
    if last and every and st.epoch % every == 0:
        save_atomically(training_state(run.learner, st, run.best_state), last)
