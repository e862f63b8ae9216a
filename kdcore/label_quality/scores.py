"""Per-face label-quality scores from out-of-sample probabilities: low scores mark likely wrong labels.

The two scores are those of Northcutt, Jiang & Chuang, "Confident Learning: Estimating Uncertainty in Dataset
Labels" (JAIR 70, 2021), with the definitions the ``cleanlab`` library uses for ``get_label_quality_scores``, so the
Studio can show kdcore's numbers beside a cleanlab ranking without two meanings of one name.
"""

from __future__ import annotations

import numpy as np


def _check(labels: np.ndarray, probs: np.ndarray) -> None:
    if probs.ndim != 2 or probs.shape[1] < 2:
        raise ValueError(f"probs must be [N, K] with K ≥ 2 classes, got shape {list(probs.shape)}")
    if labels.shape != (probs.shape[0],):
        raise ValueError(f"labels must be [N] with N = {probs.shape[0]} (rows of probs), got {list(labels.shape)}")
    if len(labels) and (labels.min() < 0 or labels.max() >= probs.shape[1]):
        raise ValueError(f"labels must be class indices in [0, {probs.shape[1] - 1}]")
    if not np.isfinite(probs).all():
        missing = int((~np.isfinite(probs).all(1)).sum())
        raise ValueError(f"{missing} faces have no probabilities (a stopped cross-fit?): score a complete one")


def label_scores(labels: np.ndarray, probs: np.ndarray) -> dict[str, np.ndarray]:
    """Label-quality scores [N] of given ``labels`` int [N] under out-of-sample ``probs`` [N, K].

    With y the given label of a face and p its probabilities:

    - ``self_confidence`` = p_y: the model's belief in the given label, in [0, 1].
    - ``normalized_margin`` = (p_y − max_{k≠y} p_k + 1) / 2: the margin of the given label over the strongest
      other class, mapped from [−1, 1] to [0, 1]. Below 0.5, some other class is more likely than the given one.
      It ranks best when a single other class is clearly the right one.
    - ``suggested``: argmax_k p_k, the label a reviewer is offered (int64; may equal the given label).

    Returns:
        ``{"self_confidence": float32 [N], "normalized_margin": float32 [N], "suggested": int64 [N]}``.

    Raises:
        ValueError: shapes that do not match, labels outside [0, K), or rows without probabilities (NaN).
    """
    labels, probs = np.asarray(labels, dtype=np.int64), np.asarray(probs, dtype=np.float64)
    _check(labels, probs)
    rows = np.arange(len(labels))
    given = probs[rows, labels]
    others = probs.copy()
    others[rows, labels] = -np.inf
    return {
        "self_confidence": given.astype(np.float32),
        "normalized_margin": ((given - others.max(1) + 1) / 2).astype(np.float32),
        "suggested": probs.argmax(1).astype(np.int64),
    }
