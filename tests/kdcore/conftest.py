"""Shared stand-ins for kdcore tests: a tiny student config and a generated, clearly separable face dataset."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from kdcore.checkpoint import save_checkpoint
from kdcore.config import AugmentConfig, DataConfig, TrainConfig
from kdcore.data import FaceArrays
from kdcore.models import create_model

TINY_WIDTH = 1 / 16  # 4..128 channels: trains on CPU in well under a second per epoch
PATTERN_NAMES = ("horizontal", "vertical")


def stripe_faces(per_class: int = 96, *, size: int = 48, seed: int = 0, val: bool = True) -> FaceArrays:
    """Two classes a tiny CNN separates in a few steps: horizontal vs vertical stripes, with noise and phase.

    Per class: 2/3 train, 1/6 val (unless ``val`` is False: then train) and 1/6 test.
    """
    rng = np.random.default_rng(seed)
    coords = np.arange(size)
    images, labels, splits, names = [], [], [], []
    for label in range(2):
        for index in range(per_class):
            period, phase = rng.uniform(6, 12), rng.uniform(0, 2 * np.pi)
            wave = np.sin(2 * np.pi * coords / period + phase)
            pattern = np.repeat(wave[:, None], size, 1) if label == 0 else np.repeat(wave[None, :], size, 0)
            noisy = 128 + 80 * pattern + rng.normal(0, 20, (size, size))
            images.append(np.clip(noisy, 0, 255).astype(np.uint8))
            labels.append(label)
            split = 0 if index < per_class * 2 // 3 else (1 if index < per_class * 5 // 6 else 2)
            splits.append(0 if split == 1 and not val else split)
            names.append(f"{PATTERN_NAMES[label]}/{index:04d}.png")
    arrays = FaceArrays(
        images=np.stack(images),
        labels=np.array(labels, dtype=np.int64),
        splits=np.array(splits, dtype=np.uint8),
        names=names,
        class_names=PATTERN_NAMES,
    )
    return arrays.with_splits(arrays.splits)  # sorted by (split, name), as readers deliver


def tiny_config(**overrides: Any) -> TrainConfig:
    """A CPU, fp32, contiguous-memory run of a 1/16-width student with light augmentation."""
    base: dict[str, Any] = {
        "data": DataConfig(image_size=48),
        "model": "mini_resemotenet",
        "width_mult": TINY_WIDTH,
        "epochs": 2,
        "batch_size": 32,
        "lr": 3e-3,
        "optimizer": "adamw",
        "weight_decay": 0.0,
        "warmup_epochs": 0.0,
        "device": "cpu",
        "bf16": False,
        "channels_last": False,
        "eval_batch_size": 64,
        "log_every": 1,
        "augment": AugmentConfig(flip=True, crop_scale=0.9, rotation_deg=5.0, translate=0.05, erasing=0.0),
    }
    base.update(overrides)
    return TrainConfig(**base).validate()


def pytest_runtest_setup(item: pytest.Item) -> None:
    """``@pytest.mark.gpu`` tests skip themselves on machines without CUDA."""
    if item.get_closest_marker("gpu") and not torch.cuda.is_available():
        pytest.skip("needs a CUDA GPU")


@pytest.fixture(scope="session")
def stripes() -> FaceArrays:
    """96 faces per class (64 train, 16 val, 16 test), generated once per session."""
    return stripe_faces()


@pytest.fixture(scope="session")
def make_stripes() -> Callable[..., FaceArrays]:
    """``make_stripes(per_class, size=…, seed=…, val=…)``: stripes of another size than ``stripes``."""
    return stripe_faces


@pytest.fixture(scope="session")
def make_config() -> Callable[..., TrainConfig]:
    """``make_config(**overrides)``: the tiny CPU run, with any field replaced."""
    return tiny_config


@pytest.fixture(scope="session")
def teacher_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saved (untrained, seeded) tiny two-class teacher, as ``fit`` would write it."""
    torch.manual_seed(0)
    teacher = create_model("mini_resemotenet", width_mult=TINY_WIDTH, num_classes=len(PATTERN_NAMES))
    path = tmp_path_factory.mktemp("teacher") / "teacher.pt"
    return save_checkpoint(path, teacher, tiny_config().to_dict(), {"class_names": list(PATTERN_NAMES)})
