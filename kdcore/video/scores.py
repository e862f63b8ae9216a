"""Scores derived from per-frame probabilities: valence, and a time-based smoothing for timelines."""

from __future__ import annotations

import numpy as np

from kdcore.data.classes import CLASS_NAMES

# Signs per class in CLASS_NAMES order (angry, disgust, fear, happy, sad, surprise, neutral).
VALENCE_WEIGHTS = np.array([-1.0, -1.0, -1.0, 1.0, -1.0, 0.0, 0.0], dtype=np.float64)


def valence(probs: np.ndarray) -> np.ndarray:
    """Valence in [-1, 1] per row of ``probs`` [..., 7]: P(happy) − (P(angry) + P(disgust) + P(fear) + P(sad)).

    The circumplex reading of FER2013's classes: happy is the one pleasant class; angry, disgust, fear and sad are
    unpleasant; surprise (pleasant or not, the face alone does not say) and neutral count 0. +1 is certainly happy,
    −1 certainly one of the four negative classes, 0 neutral, surprised or evenly split. NaN rows (frames without a
    face) stay NaN. Returns float32 [...].
    """
    probs = np.asarray(probs, dtype=np.float64)
    if probs.shape[-1] != len(CLASS_NAMES):
        raise ValueError(f"valence needs probabilities over the {len(CLASS_NAMES)} FER2013 classes, got {probs.shape}")
    return (probs @ VALENCE_WEIGHTS).astype(np.float32)


def smooth_probs(time_s: np.ndarray, probs: np.ndarray, *, window_s: float) -> np.ndarray:
    """Centred moving average over time: each row becomes the mean of the rows within ±window_s/2 of it.

    The window is in seconds, not rows, so a variable-frame-rate recording or a gap in the face's presence does not
    stretch it. NaN rows (no face) are left out of every mean and stay NaN themselves. ``time_s`` [N] must be
    non-decreasing (one track's rows in frame order: grouping by track is the caller's job). Returns ``probs``'
    shape [N, K] and dtype.
    """
    time_s = np.asarray(time_s, dtype=np.float64)
    values = np.asarray(probs)
    if values.ndim != 2 or len(time_s) != len(values):
        raise ValueError(f"expected time_s [N] and probs [N, K], got {time_s.shape} and {values.shape}")
    if window_s < 0 or np.any(np.diff(time_s) < 0):
        raise ValueError("window_s must be ≥ 0 and time_s sorted (non-decreasing)")
    valid = ~np.isnan(values).any(axis=1)
    sums = np.vstack([np.zeros(values.shape[1]), np.cumsum(np.where(valid[:, None], values, 0.0), axis=0)])
    counts = np.concatenate([[0], np.cumsum(valid)])
    low = np.searchsorted(time_s, time_s - window_s / 2, side="left")
    high = np.searchsorted(time_s, time_s + window_s / 2, side="right")
    total = counts[high] - counts[low]
    smoothed: np.ndarray = (sums[high] - sums[low]) / np.maximum(total, 1)[:, None]
    smoothed[~valid] = np.nan
    return smoothed.astype(values.dtype if values.dtype.kind == "f" else np.float64)
