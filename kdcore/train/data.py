"""Splits of a face dataset as uint8 tensors resident on the training device."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from kdcore.config import DataConfig
from kdcore.data import FaceArrays, leave_out_fold, read_faces, split_checksum, validation_split


@dataclass(frozen=True)
class DeviceSplit:
    """Faces uint8 [N, H, W] and labels int64 [N], both on one device."""

    images: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return int(self.labels.shape[0])


@dataclass(frozen=True)
class DeviceData:
    """Train, validation and test splits plus what identifies the dataset."""

    train: DeviceSplit
    val: DeviceSplit
    test: DeviceSplit
    class_names: tuple[str, ...]
    fingerprint: str
    train_checksum: str = ""  # kdcore.data.split_checksum of the train split when asked for (stored soft targets)


def _to_device(arrays: FaceArrays, device: torch.device) -> DeviceSplit:
    images = torch.from_numpy(arrays.images).to(device, non_blocking=True)
    return DeviceSplit(images=images, labels=torch.from_numpy(arrays.labels).long().to(device))


def load_device_data(
    cfg: DataConfig,
    device: torch.device,
    *,
    arrays: FaceArrays | None = None,
    progress: Callable[[int, int], None] | None = None,
    checksum: bool = False,
) -> DeviceData:
    """Read (unless given) and upload the dataset; a dataset without ``val`` gets a seeded stratified one.

    ``checksum`` also hashes the training split (0.2 s for FER2013), which only stored soft targets need.
    """
    if arrays is None:
        arrays = read_faces(cfg.path, image_size=cfg.image_size, progress=progress)
    if len(arrays.split("val").labels) == 0:
        arrays = validation_split(arrays, fraction=cfg.val_fraction, seed=cfg.val_seed)
    if cfg.folds:
        arrays = leave_out_fold(arrays, cfg.folds, cfg.fold)
    train = arrays.split("train")
    if len(train.labels) == 0:
        raise ValueError("the dataset has no training images")
    return DeviceData(
        train=_to_device(train, device),
        val=_to_device(arrays.split("val"), device),
        test=_to_device(arrays.split("test"), device),
        class_names=tuple(arrays.class_names),
        fingerprint=arrays.fingerprint(),
        train_checksum=split_checksum(arrays, "train") if checksum else "",
    )
