"""Per-face predictions of a trained model on the val and test splits, so a confusion matrix cell links to its faces.

The faces and the numbers are those ``fit`` evaluated: the same val split (a dataset without one gets the same seeded
slice ``fit`` carved), the same deterministic preprocessing through ``predict_logits``, the same precision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from kdcore.config import TrainConfig
from kdcore.data import VAL, FaceArrays, validation_mask
from kdcore.data.splits import split_code
from kdcore.evaluate import predict_logits


@dataclass(frozen=True)
class SplitPredictions:
    """One split's faces, in ``arrays``' order.

    Attributes:
        index: int64 [M] positions of the faces in the ``arrays`` that was given.
        label: int64 [M] given labels.
        predicted: int64 [M] argmax of the logits (the prediction behind the evaluation's confusion matrix).
        probs: float32 [M, K] softmax probabilities.
    """

    index: np.ndarray
    label: np.ndarray
    predicted: np.ndarray
    probs: np.ndarray

    def confusion(self, num_classes: int) -> np.ndarray:
        """Counts int64 [K, K] indexed [given, predicted]: the matrix whose cells these faces fill."""
        flat = self.label * num_classes + self.predicted
        return np.bincount(flat, minlength=num_classes**2).reshape(num_classes, num_classes)


def split_masks(arrays: FaceArrays, cfg: TrainConfig, splits: Sequence[str]) -> dict[str, np.ndarray]:
    """Bool [N] per split name, as ``fit`` saw them: a dataset without val gets ``fit``'s seeded slice of train."""
    carved = None
    if not np.any(arrays.splits == VAL):
        carved = validation_mask(arrays, fraction=cfg.data.val_fraction, seed=cfg.data.val_seed)
    masks = {}
    for name in splits:
        mask = arrays.splits == split_code(name)
        if carved is not None:
            mask = carved if name == "val" else mask & ~carved
        masks[name] = mask
    return masks


def split_predictions(
    model: nn.Module,
    arrays: FaceArrays,
    cfg: TrainConfig,
    *,
    device: torch.device | str = "cpu",
    splits: Sequence[str] = ("val", "test"),
    tta_flip: bool = False,
) -> dict[str, SplitPredictions]:
    """Predictions of ``model`` for every face of each split in ``splits`` (eval mode, inference mode, unshuffled).

    Args:
        model: a finished job's model (``FitResult.model`` or a loaded checkpoint).
        arrays: the dataset version the job trained on.
        cfg: the job's config: its val slice, eval batch size and precision, so the predictions match the job's
            reported metrics. ``tta_flip`` False matches ``val`` and ``test``; True matches ``test_tta_flip``.
        device: where the model runs; the model is moved there.
    """
    device = torch.device(device)
    model = model.to(device)
    out = {}
    for name, mask in split_masks(arrays, cfg, splits).items():
        index = np.flatnonzero(mask)
        images = torch.from_numpy(np.ascontiguousarray(arrays.images[index])).to(device)
        logits = predict_logits(model, images, batch_size=cfg.eval_batch_size, bf16=cfg.bf16, tta_flip=tta_flip)
        probs = torch.softmax(logits.float(), dim=1).cpu().numpy().astype(np.float32)
        if len(index) == 0:
            probs = np.zeros((0, len(arrays.class_names)), dtype=np.float32)
        out[name] = SplitPredictions(
            index=index.astype(np.int64),
            label=arrays.labels[index].astype(np.int64),
            predicted=logits.argmax(1).cpu().numpy().astype(np.int64) if len(index) else np.zeros(0, np.int64),
            probs=probs,
        )
    return out
