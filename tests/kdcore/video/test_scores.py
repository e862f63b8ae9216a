"""valence golden values and smooth_probs over uneven timestamps."""

from __future__ import annotations

import numpy as np
import pytest

from kdcore.video import smooth_probs, valence

ANGRY, DISGUST, FEAR, HAPPY, SAD, SURPRISE, NEUTRAL = range(7)


def _one_hot(index: int) -> np.ndarray:
    return np.eye(7, dtype=np.float32)[index]


@pytest.mark.parametrize(
    ("index", "expected"),
    [(ANGRY, -1), (DISGUST, -1), (FEAR, -1), (HAPPY, 1), (SAD, -1), (SURPRISE, 0), (NEUTRAL, 0)],
)
def test_it_scores_each_certain_class(index: int, expected: float) -> None:
    assert valence(_one_hot(index)[None])[0] == pytest.approx(expected)


def test_it_scores_mixtures_and_keeps_faceless_rows_nan() -> None:
    probs = np.array(
        [
            [0.1, 0.0, 0.1, 0.5, 0.1, 0.1, 0.1],  # 0.5 − 0.3
            [0.2, 0.1, 0.1, 0.2, 0.2, 0.1, 0.1],  # 0.2 − 0.6
            np.full(7, 1 / 7),  # 1/7 − 4/7
            np.full(7, np.nan),
        ],
        dtype=np.float32,
    )
    scores = valence(probs)
    assert scores.dtype == np.float32
    np.testing.assert_allclose(scores[:3], [0.2, -0.4, -3 / 7], atol=1e-6)
    assert np.isnan(scores[3])


def test_it_refuses_probabilities_over_other_classes() -> None:
    with pytest.raises(ValueError, match="7 FER2013 classes"):
        valence(np.zeros((2, 5)))


def test_it_smooths_over_seconds_not_rows() -> None:
    time_s = np.array([0.0, 0.1, 0.15, 1.0, 1.05, 3.0])
    probs = np.array([[1, 0], [0, 1], [1, 0], [0, 1], [0, 1], [1, 0]], dtype=np.float32)
    smoothed = smooth_probs(time_s, probs, window_s=0.5)
    assert smoothed.dtype == np.float32
    np.testing.assert_allclose(smoothed[0], [2 / 3, 1 / 3])  # rows at 0, 0.1, 0.15 s
    np.testing.assert_allclose(smoothed[3], [0, 1])  # rows at 1.0 and 1.05 s; the row at 0.15 s is 0.85 s away
    np.testing.assert_allclose(smoothed[5], [1, 0])  # alone in its second


def test_it_leaves_nan_rows_out_of_the_means_and_keeps_them_nan() -> None:
    time_s = np.array([0.0, 0.1, 0.2])
    probs = np.array([[1.0, 0.0], [np.nan, np.nan], [0.0, 1.0]])
    smoothed = smooth_probs(time_s, probs, window_s=1.0)
    np.testing.assert_allclose(smoothed[[0, 2]], [[0.5, 0.5], [0.5, 0.5]])
    assert np.isnan(smoothed[1]).all()


def test_it_returns_rows_unchanged_for_a_zero_window() -> None:
    probs = np.random.default_rng(0).random((5, 7))
    np.testing.assert_allclose(smooth_probs(np.arange(5) / 30, probs, window_s=0.0), probs)


def test_it_refuses_unsorted_times() -> None:
    with pytest.raises(ValueError, match="sorted"):
        smooth_probs(np.array([0.0, 1.0, 0.5]), np.zeros((3, 7)), window_s=1.0)
