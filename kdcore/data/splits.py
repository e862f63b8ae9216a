"""Canonical split names, how each source names its splits, the seeded validation split and training folds.

Splits are stored as uint8 codes into ``SPLIT_NAMES`` (0 train, 1 val, 2 test) rather than strings: a code array is
35 KB for FER2013, compares fast, and sorts in the train → val → test order that ``FaceArrays`` keeps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from kdcore.data.errors import DatasetError

if TYPE_CHECKING:
    from kdcore.data.arrays import FaceArrays

SPLIT_NAMES: tuple[str, ...] = ("train", "val", "test")
TRAIN, VAL, TEST = 0, 1, 2

_FOLDER_SPLITS = {"train": TRAIN, "training": TRAIN, "val": VAL, "valid": VAL, "validation": VAL, "test": TEST}
# FER2013's own split record: the CSV ``Usage`` column, and the file-name prefix of its image-folder re-packagings.
# PublicTest is the community's validation set and PrivateTest the held-out test set.
_FER_USAGE = {"training": TRAIN, "publictest": VAL, "privatetest": TEST}


def split_code(name: str) -> int:
    """Code of a canonical split name; raises ValueError for anything else."""
    if name not in SPLIT_NAMES:
        raise ValueError(f"unknown split {name!r}, expected one of {', '.join(SPLIT_NAMES)}")
    return SPLIT_NAMES.index(name)


def folder_split(folder: str) -> int | None:
    """Split code of a top folder such as ``train``, ``val``/``validation`` or ``test``; None when not a split."""
    return _FOLDER_SPLITS.get(folder.lower())


def fer_usage_split(usage: str) -> int | None:
    """Split code of a FER2013 ``Usage`` value (Training, PublicTest, PrivateTest); None when unknown."""
    return _FER_USAGE.get(usage.strip().lower())


def fer_filename_split(filename: str) -> int | None:
    """Split code from a ``PublicTest_``/``PrivateTest_`` file-name prefix, which outranks the folder.

    The Kaggle re-packaging puts both test halves in one ``test/`` folder, so only the prefix tells them apart.
    ``Training_`` is not used: a user who carved ``val/`` out of training images meant them as val.
    """
    prefix = filename.partition("_")[0]
    code = fer_usage_split(prefix)
    return code if code in (VAL, TEST) else None


def validation_split(arrays: FaceArrays, *, fraction: float = 0.1, seed: int = 0) -> FaceArrays:
    """Move a seeded, class-stratified ``fraction`` of the train images to val.

    For datasets without a val split (RAF-DB, flat folders). Each class moves ``round(fraction * n)`` images but keeps
    at least one in train, so class proportions in val match train and rare classes are never emptied. The choice
    depends only on ``seed`` and the sorted order, so the same data and seed give the same split on every machine.

    Raises:
        DatasetError: when ``arrays`` already has val images.
    """
    splits = arrays.splits.copy()
    splits[validation_mask(arrays, fraction=fraction, seed=seed)] = VAL
    return arrays.with_splits(splits)


def validation_mask(arrays: FaceArrays, *, fraction: float = 0.1, seed: int = 0) -> np.ndarray:
    """Bool [N] in ``arrays``' own order: the train images ``validation_split`` moves to val.

    Callers that must name those faces by their index in ``arrays`` (per-face predictions) use the mask, since
    ``validation_split`` re-sorts its output.
    """
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"fraction must be in (0, 1), got {fraction}")
    if np.any(arrays.splits == VAL):
        raise DatasetError(f"validation_split needs data without a val split, got {arrays.split_counts()['val']} val")
    rng = np.random.default_rng(seed)
    mask = np.zeros(len(arrays), dtype=bool)
    for label in range(len(arrays.class_names)):
        candidates = np.flatnonzero((arrays.splits == TRAIN) & (arrays.labels == label))
        count = min(int(np.floor(fraction * len(candidates) + 0.5)), max(len(candidates) - 1, 0))
        mask[rng.permutation(candidates)[:count]] = True
    return mask


def train_folds(arrays: FaceArrays, folds: int, *, seed: int = 0) -> np.ndarray:
    """Fold index [N_train] of every training image: a seeded, class-stratified partition into ``folds`` parts.

    A teacher trained without fold k predicts fold k's images honestly (out of fold); the partition depends only
    on ``seed`` and the sorted order, so every machine draws the same folds.
    """
    return stratified_folds(arrays.split("train").labels, len(arrays.class_names), folds, seed=seed)


def stratified_folds(labels: np.ndarray, num_classes: int, folds: int, *, seed: int = 0) -> np.ndarray:
    """Fold index int64 [N] of each label: every class dealt round-robin over ``folds`` in a seeded random order.

    Class by class, so each fold holds ``n_c // folds`` or one more of class c; the draw depends only on ``seed``
    and the order of ``labels``.
    """
    if folds < 2:
        raise ValueError(f"folds must be at least 2, got {folds}")
    fold = np.empty(len(labels), dtype=np.int64)
    rng = np.random.default_rng(seed)
    for label in range(num_classes):
        members = rng.permutation(np.flatnonzero(labels == label))
        fold[members] = np.arange(len(members)) % folds
    return fold


def leave_out_fold(arrays: FaceArrays, folds: int, fold: int) -> FaceArrays:
    """``arrays`` without the training images of one fold (val and test untouched)."""
    keep = np.ones(len(arrays), dtype=bool)
    keep[np.flatnonzero(arrays.splits == TRAIN)[train_folds(arrays, folds) == fold]] = False
    return arrays.subset(keep)
