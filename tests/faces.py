"""Tiny generated face datasets for job tests: seven classes a small CNN can tell apart, in seconds on a CPU.

Each class is a stripe pattern at its own angle (with noise and a random phase), so a one-epoch job on a few
dozen images already moves its curves; the images are uint8 grayscale like every reader's output.
"""

import numpy as np

from kdcore.data import CLASS_NAMES, FaceArrays

SPLIT_OF_INDEX = (0, 0, 0, 0, 1, 2)  # per class and in turn: four train, one val, one test


def emotion_faces(*, per_class: int = 6, size: int = 48, seed: int = 0) -> FaceArrays:
    """`per_class` faces of each of the 7 classes, split train/val/test in the ratio 4:1:1."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:size, 0:size]
    images, labels, splits, names = [], [], [], []
    for label, name in enumerate(CLASS_NAMES):
        angle = np.pi * label / len(CLASS_NAMES)
        for index in range(per_class):
            wave = np.sin((xs * np.cos(angle) + ys * np.sin(angle)) / 2.5 + rng.uniform(0, 2 * np.pi))
            noisy = 128 + 90 * wave + rng.normal(0, 15, (size, size))
            images.append(np.clip(noisy, 0, 255).astype(np.uint8))
            labels.append(label)
            splits.append(SPLIT_OF_INDEX[index % len(SPLIT_OF_INDEX)])
            names.append(f"{name}/{index:03d}.png")
    arrays = FaceArrays(
        images=np.stack(images), labels=np.array(labels, dtype=np.int64),
        splits=np.array(splits, dtype=np.uint8), names=names,
    )  # fmt: skip
    return arrays.with_splits(arrays.splits)
