"""Out-of-sample class probabilities for every face of a dataset version, by k-fold cross-fitting.

Confident learning (Northcutt, Jiang & Chuang, "Confident Learning: Estimating Uncertainty in Dataset Labels",
JAIR 70, 2021) needs, for every face, class probabilities from a model that never trained on that face: a model
that saw a face's label mostly repeats it back, and a wrong label then looks right.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from kdcore.config import ConfigError, TrainConfig
from kdcore.data import DatasetError, FaceArrays, stratified_folds
from kdcore.evaluate import predict_logits
from kdcore.label_quality._progress import CrossFitProgress, CrossFitTracker, FoldCallback
from kdcore.runtime import resolve_device
from kdcore.train import Callback, FitResult, fit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FoldMetrics:
    """One fold model: what it trained on, the epoch its inner validation chose, and how it did on its held-out fold.

    ``held_out_accuracy`` and ``held_out_loss`` (mean −log p[given label]) are measured against the given labels,
    noise included; they describe the fold model and choose nothing.
    """

    fold: int
    train_faces: int
    inner_val_faces: int
    held_out_faces: int
    epochs: int
    best_epoch: int
    inner_val_accuracy: float
    held_out_accuracy: float
    held_out_loss: float
    seconds: float


@dataclass
class OutOfSampleProbs:
    """What a cross-fit produced.

    Attributes:
        probs: float32 [N, K] softmax probabilities, in ``arrays``' order, each row from the one fold model that
            never saw that face; NaN rows for faces whose fold never ran (a stopped cross-fit).
        fold: int8 [N] the fold each face was held out in.
        labels: int64 [N] the given labels the fold models trained on.
        fold_metrics: one entry per fold that finished.
    """

    probs: np.ndarray
    fold: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]
    fold_metrics: list[FoldMetrics] = field(default_factory=list)
    seed: int = 0
    tta_flip: bool = True
    seconds: float = 0.0
    stopped: bool = False
    stop_reason: str = ""
    fingerprint: str = ""

    @property
    def complete(self) -> bool:
        """Whether every face has its probabilities."""
        return not self.stopped and bool(np.isfinite(self.probs).all())

    def metrics(self) -> dict[str, Any]:
        """Plain JSON-ready summary: out-of-sample accuracy against the given labels, and each fold."""
        done = np.isfinite(self.probs).all(1)
        correct = self.probs[done].argmax(1) == self.labels[done]
        return {
            "folds": int(self.fold.max()) + 1 if len(self.fold) else 0,
            "faces": len(self.labels),
            "predicted_faces": int(done.sum()),
            "out_of_sample_accuracy": float(correct.mean()) if done.any() else 0.0,
            "seed": self.seed,
            "tta_flip": self.tta_flip,
            "seconds": round(self.seconds, 2),
            "stopped": self.stopped,
            "stop_reason": self.stop_reason,
            "fold_metrics": [dataclasses.asdict(metrics) for metrics in self.fold_metrics],
        }


def check_cross_fit(arrays: FaceArrays, folds: int) -> None:
    """Raise ``DatasetError`` with a message a user can act on when ``arrays`` cannot be cross-fitted in ``folds``.

    Every face needs a fold model that saw at least one other face of its class: a class with fewer faces than
    folds leaves some fold model without that class, and its faces would all look mislabelled. A class with no face
    at all is fine (nothing of it is scored).
    """
    if folds < 2:
        raise ValueError(f"cross-fitting needs at least 2 folds, got {folds}")
    if len(arrays) < folds:
        raise DatasetError(
            f"cross-fitting in {folds} folds needs at least {folds} faces; this version has {len(arrays)}"
        )
    small = {name: count for name, count in arrays.class_counts().items() if 0 < count < folds}
    if small:
        listed = ", ".join(f"{name} has {count}" for name, count in small.items())
        raise DatasetError(
            f"cross-fitting in {folds} folds needs at least {folds} faces of every class that has any: {listed}. "
            "Add faces to these classes, or use fewer folds."
        )


def fold_config(cfg: TrainConfig, *, folds: int, fold: int, seed: int) -> TrainConfig:
    """The run that trains fold ``fold``'s model: the caller's, seeded per fold, without a test pass.

    ``data.folds`` is cleared (the cross-fit hands ``fit`` the training faces itself) and a time budget is shared
    equally between the folds.
    """
    return dataclasses.replace(
        cfg,
        data=dataclasses.replace(cfg.data, folds=0, fold=0, val_seed=seed + fold),
        seed=seed + fold,
        evaluate_test=False,
        time_budget_s=cfg.time_budget_s / folds,
    )


def training_faces(arrays: FaceArrays, keep: np.ndarray) -> FaceArrays:
    """The faces where ``keep`` is true, every one marked train whatever its split, so ``fit`` carves its inner
    validation slice out of them and has no test split: the held-out fold never reaches ``fit`` at all."""
    chosen = arrays.subset(keep)
    return chosen.with_splits(np.zeros(len(chosen), dtype=np.uint8))


def predict_probs(
    model: torch.nn.Module, images: np.ndarray, cfg: TrainConfig, device: torch.device, *, tta_flip: bool
) -> np.ndarray:
    """Softmax probabilities float32 [N, K] of ``model`` on uint8 faces [N, S, S]: eval mode, no random transform."""
    batch = torch.from_numpy(np.ascontiguousarray(images)).to(device)
    logits = predict_logits(
        model, batch, batch_size=cfg.eval_batch_size, bf16=cfg.bf16, tta_flip=tta_flip, channels_last=cfg.channels_last
    )
    return torch.softmax(logits.float(), dim=1).cpu().numpy().astype(np.float32)


def cross_fit_probs(
    arrays: FaceArrays,
    cfg: TrainConfig,
    *,
    folds: int = 4,
    device: torch.device | str | None = None,
    callbacks: Sequence[Callback] = (),
    progress: Callable[[CrossFitProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    seed: int | None = None,
    tta_flip: bool = True,
    only_folds: Sequence[int] | None = None,
    exclude: np.ndarray | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> OutOfSampleProbs:
    """Class probabilities [N, K] for every face of ``arrays`` (all splits), each from a model that never saw it.

    Protocol: the faces of every split are pooled and dealt into ``folds`` class-stratified folds
    (``kdcore.data.stratified_folds``, seeded). Fold model i trains on the other folds with ``cfg``; ``fit``
    chooses its epoch on an inner validation slice (``cfg.data.val_fraction`` of those training faces, seeded and
    stratified), the same rule as every training job, with EMA weights when ``cfg.ema_decay`` is set. The held-out
    fold is never handed to ``fit``, so neither training nor the choice of epoch can peek at it; the price is the
    inner slice's faces (10% by default) not being trained on. Fixed epochs with the last weights would train on
    them too, but the right epoch count changes with the version's size, and a network trained past its best starts
    to fit the wrong labels of its training folds (Arpit et al., "A Closer Look at Memorization in Deep Networks",
    ICML 2017), and its held-out predictions inherit those confusions. Then the chosen weights predict the held-out fold
    deterministically (eval mode, inference mode, no random transform), averaged with the mirrored faces when
    ``tta_flip`` (faces are roughly left-right symmetric; on PrivateTest the mirrored average added 0.6–1.0 points
    of accuracy in every row of docs/results.md's table).

    Args:
        arrays: the dataset version; its own splits are ignored for the folds.
        cfg: the training run of each fold model (no distillation: a teacher that trained on the held-out faces
            would leak their labels).
        folds: k; every class with any face needs at least k of them.
        device: defaults to ``cfg.device``.
        callbacks: kdcore callbacks for every fold's ``fit``; their events count epochs over the whole cross-fit,
            and setting ``TrainState.should_stop`` cancels it.
        progress: receives a ``CrossFitProgress`` (fold i of k, epoch, step, overall fraction, ETA) at each batch
            event and epoch end, and when each fold has predicted.
        should_stop: polled at each batch event, epoch end and fold start; True cancels after the current batch.
        seed: draws the folds and seeds fold i's training with ``seed + i``; defaults to ``cfg.seed``. The same
            seed, data and config give the same probabilities on the CPU (on CUDA, up to its kernels' float order).
        only_folds: fit and predict only these folds (the others' rows stay NaN, as after a stop): several
            processes or GPUs can share one cross-fit, each taking some folds of the same seed, and their rows
            then fill each other's NaNs.
        exclude: bool [N]; these faces train no fold model but are still predicted by the one that holds them
            out (the folds are drawn as without it). For experiments: docs/results.md measures a second round
            that leaves out a first round's suspects, and finds it ranks worse.
        clock: seconds, for the elapsed time and ETA (tests pass a fake one).

    Returns:
        ``OutOfSampleProbs``; when cancelled, ``stopped`` is set and the unfinished folds' rows are NaN.

    Raises:
        DatasetError: too few faces, or a class with fewer faces than folds (the message names them).
        ConfigError: a distillation config.
    """
    check_cross_fit(arrays, folds)
    cfg.validate()
    if cfg.distill is not None:
        raise ConfigError({"distill": "cross-fitting trains from the labels alone; a teacher saw the held-out faces"})
    seed = cfg.seed if seed is None else seed
    dev = resolve_device(cfg.device) if device is None else torch.device(device)
    fold = stratified_folds(arrays.labels, len(arrays.class_names), folds, seed=seed).astype(np.int8)
    out = OutOfSampleProbs(
        probs=np.full((len(arrays), len(arrays.class_names)), np.nan, dtype=np.float32),
        fold=fold, labels=arrays.labels.astype(np.int64), class_names=tuple(arrays.class_names), seed=seed,
        tta_flip=tta_flip, fingerprint=arrays.fingerprint(),
    )  # fmt: skip
    keep = _kept_for_training(exclude, len(arrays))
    to_fit = range(folds) if only_folds is None else sorted(set(only_folds))
    if any(not 0 <= index < folds for index in to_fit):
        raise ValueError(f"only_folds must be within 0..{folds - 1}, got {list(only_folds or ())}")
    tracker = CrossFitTracker(folds, progress, clock)
    for index in to_fit:
        if should_stop is not None and should_stop():
            out.stopped, out.stop_reason = True, "cancelled"
            break
        trained_on = (out.fold != index) & keep
        callback = FoldCallback(tracker, index, callbacks, should_stop)
        result = _fit_fold(arrays, cfg, out, index, dev, callback, trained_on=trained_on)
        if result.stopped:
            out.stopped, out.stop_reason = True, result.stop_reason or "cancelled"
            break
        _predict_fold(arrays, cfg, out, index, dev, result, trained_on=trained_on)
        tracker.predicted(index, result.epochs)
    out.seconds = clock() - tracker.started
    return out


def _kept_for_training(exclude: np.ndarray | None, faces: int) -> np.ndarray:
    """bool [N]: the faces fold models may train on (all but ``exclude``)."""
    if exclude is None:
        return np.ones(faces, dtype=bool)
    exclude = np.asarray(exclude)
    if exclude.dtype != bool or exclude.shape != (faces,):
        raise ValueError(f"exclude must be a bool array of one entry per face ({faces}), got {exclude.dtype} "
                         f"{exclude.shape}")  # fmt: skip
    return ~exclude


def _fit_fold(
    arrays: FaceArrays,
    cfg: TrainConfig,
    out: OutOfSampleProbs,
    index: int,
    dev: torch.device,
    callback: Callback,
    *,
    trained_on: np.ndarray,
) -> FitResult:
    folds = int(out.fold.max()) + 1
    logger.info("cross-fit: training fold %d of %d", index + 1, folds)
    run_cfg = fold_config(cfg, folds=folds, fold=index, seed=out.seed)
    return fit(run_cfg, device=dev, callbacks=[callback], arrays=training_faces(arrays, trained_on))


def _predict_fold(
    arrays: FaceArrays,
    cfg: TrainConfig,
    out: OutOfSampleProbs,
    index: int,
    dev: torch.device,
    result: FitResult,
    *,
    trained_on: np.ndarray,
) -> None:
    held = np.flatnonzero(out.fold == index)
    probs = predict_probs(result.model, arrays.images[held], cfg, dev, tta_flip=out.tta_flip)
    out.probs[held] = probs
    given = out.labels[held]
    inner_val = result.val.report if result.val else None
    out.fold_metrics.append(
        FoldMetrics(
            fold=index,
            train_faces=int(trained_on.sum()) - (inner_val.count if inner_val else 0),
            inner_val_faces=inner_val.count if inner_val else 0,
            held_out_faces=len(held),
            epochs=result.epochs,
            best_epoch=result.best_epoch,
            inner_val_accuracy=result.val.accuracy if result.val else 0.0,
            held_out_accuracy=float((probs.argmax(1) == given).mean()),
            held_out_loss=float(-np.log(np.clip(probs[np.arange(len(held)), given], 1e-12, None)).mean()),
            seconds=result.seconds,
        )
    )
