"""Soft targets: an ensemble teacher's flip-TTA logits for a split, computed once and stored for distillation.

In-sample targets (``ensemble_logits`` on ``train``) come from teachers that trained on those very faces and mostly
restate the label; out-of-fold targets (``out_of_fold_logits``) come only from teachers that never saw the face.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from kdcore.data import FaceArrays, split_checksum, train_folds
from kdcore.evaluate import predict_logits


def _flip_tta_logits(model: nn.Module, images: np.ndarray, device: torch.device | str, batch_size: int) -> np.ndarray:
    """fp32 logits [N, K] of one model on uint8 faces [N, S, S], averaged with their mirror images."""
    device = torch.device(device)
    batch = torch.from_numpy(np.ascontiguousarray(images)).to(device)
    logits = predict_logits(model.to(device), batch, batch_size=batch_size, bf16=True, tta_flip=True)
    return logits.float().cpu().numpy()


def member_logits(
    models: Sequence[nn.Module], arrays: FaceArrays, split: str, device: torch.device | str, batch_size: int = 1024
) -> np.ndarray:
    """Flip-averaged fp32 logits [M, N, K] of each model on a split (eval + inference mode, bf16 on CUDA)."""
    images = arrays.split(split).images
    return np.stack([_flip_tta_logits(model, images, device, batch_size) for model in models])


def ensemble_logits(
    models: Sequence[nn.Module], arrays: FaceArrays, split: str, device: torch.device | str, batch_size: int = 1024
) -> np.ndarray:
    """Mean of the members' flip-averaged logits [N, K] (fp32)."""
    mean: np.ndarray = member_logits(models, arrays, split, device, batch_size).mean(0)
    return mean


def out_of_fold_logits(
    models: Sequence[nn.Module],
    held_out: Sequence[tuple[int, int]],
    arrays: FaceArrays,
    device: torch.device | str,
    batch_size: int = 1024,
) -> np.ndarray:
    """Each training image's flip-averaged logits [N, K], averaged over the members that never trained on it.

    ``held_out[i]`` is member i's ``(folds, fold)`` (its ``data.folds`` and ``data.fold``): it predicts only that
    fold of ``kdcore.data.train_folds``. Every training image must fall in some member's held-out fold.
    """
    train = arrays.split("train")
    total = np.zeros((len(train), len(arrays.class_names)), dtype=np.float64)
    count = np.zeros(len(train), dtype=np.int64)
    for model, (folds, fold) in zip(models, held_out, strict=True):
        if folds < 2:
            raise ValueError("a member trained on every training image has no out-of-fold images to predict")
        idx = np.flatnonzero(train_folds(arrays, folds) == fold)
        total[idx] += _flip_tta_logits(model, train.images[idx], device, batch_size)
        count[idx] += 1
    if (count == 0).any():
        raise ValueError(f"{int((count == 0).sum())} training images are in no member's held-out fold")
    return (total / count[:, None]).astype(np.float32)


def accuracy(logits: np.ndarray, labels: np.ndarray) -> float:
    """Top-1 accuracy of ``logits`` [N, K] against ``labels`` [N]; 0 for an empty split."""
    return float((logits.argmax(-1) == labels).mean()) if len(labels) else 0.0


def save_soft_targets(path: str | Path, logits: np.ndarray, arrays: FaceArrays, split: str, **extra: Any) -> Path:
    """Store ``logits`` [N, K] for ``split`` with the split's labels and checksum (plus ``extra`` arrays)."""
    part = arrays.split(split)
    if logits.shape != (len(part.labels), len(arrays.class_names)):
        expected = (len(part.labels), len(arrays.class_names))
        raise ValueError(f"logits {logits.shape} do not match the {split} split: {expected} (images, classes)")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    stored: dict[str, Any] = {  # Any: savez_compressed's own keyword (allow_pickle) is no array
        "logits": logits.astype(np.float16),
        "labels": part.labels.astype(np.int64),
        "split": np.array(split),
        "class_names": np.array(list(arrays.class_names)),
        "checksum": np.array(split_checksum(arrays, split)),
        **{key: np.asarray(value) for key, value in extra.items()},
    }
    np.savez_compressed(path, **stored)
    return path


def load_soft_targets(path: str | Path, checksum: str) -> np.ndarray:
    """The stored training-split logits [N, K] as fp32, after checking they belong to the data being trained on."""
    try:
        with np.load(path) as blob:
            logits: np.ndarray = blob["logits"].astype(np.float32)
            stored = str(blob["checksum"])
            split = str(blob["split"])
    except (OSError, KeyError, ValueError) as error:
        raise ValueError(f"{path}: not a soft-targets file ({error})") from error
    if split != "train":
        raise ValueError(f"{path}: holds soft targets for the {split!r} split; distillation needs 'train'")
    if stored != checksum:
        raise ValueError(f"{path}: its soft targets were computed for other training images (checksum differs)")
    return logits
