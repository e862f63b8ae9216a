"""Rank faces by how likely their given label is wrong, with cleanlab's confident learning.

Confident learning (Northcutt, Jiang & Chuang, "Confident Learning: Estimating Uncertainty in Dataset Labels",
JAIR 70, 2021) counts the confident joint of given and true labels from out-of-sample probabilities: each class's
threshold is its faces' mean self-confidence, and a face falls in an off-diagonal cell when, of the classes whose
threshold its probability reaches, the likeliest is not its given label. Those faces are flagged
("confident_learning"; "prune_by_noise_rate" instead flags, per cell, as many of the least likely faces as the cell's
estimated count). Reviewers see the flagged faces first, worst first, then everyone else by the same score, so the
list covers the whole version and a reviewer may go past the estimate.

numpy and cleanlab only: no Django, no torch (the label-quality job calls it with kdcore's probabilities; the
benchmark loads this file by path).
"""

from __future__ import annotations

import numpy as np
from cleanlab.filter import find_label_issues
from cleanlab.rank import get_label_quality_scores

# The best of the six cleanlab variants on benchmarks/label_noise.py's one measured run, by a hair (docs/results.md,
# "Label quality: finding flipped labels"); that run's models had not learned, so a GPU run may change this choice.
RANKED_BY = "self_confidence"
FILTER_BY = "confident_learning"


def rank_label_issues(
    labels: np.ndarray, probs: np.ndarray, *, ranked_by: str = RANKED_BY, filter_by: str = FILTER_BY
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Order the faces for review, most likely mislabelled first.

    Args:
        labels: int [N] given labels, class indices into the columns of ``probs``.
        probs: float [N, K] out-of-sample class probabilities (each row from a model that never saw that face).
        ranked_by: cleanlab's label-quality score (``self_confidence``, ``normalized_margin`` or
            ``confidence_weighted_entropy``).
        filter_by: cleanlab's rule for flagging issues (``prune_by_noise_rate``, ``both``, ``confident_learning``…).

    Returns:
        ``(order, quality_scores, is_issue)``: ``order`` int64 [N], every face once, the flagged ones first by
        ascending score, then the rest by ascending score (ties keep index order); ``quality_scores`` float [N] in
        [0, 1], low meaning likely wrong; ``is_issue`` bool [N], the faces confident learning flags.

    Raises:
        ValueError: shapes that do not match, labels outside [0, K), or probabilities that are not finite.
    """
    labels, probs = _checked(labels, probs)
    scores = get_label_quality_scores(labels, probs, method=ranked_by)
    flagged = find_label_issues(labels, probs, filter_by=filter_by, return_indices_ranked_by=ranked_by, n_jobs=1)
    is_issue = np.zeros(len(labels), dtype=bool)
    is_issue[flagged] = True
    rest = np.flatnonzero(~is_issue)
    order = np.concatenate([flagged, rest[np.argsort(scores[rest], kind="stable")]]).astype(np.int64)
    return order, scores, is_issue


def _checked(labels: np.ndarray, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    labels, probs = np.asarray(labels, dtype=np.int64), np.asarray(probs, dtype=np.float64)
    if probs.ndim != 2 or labels.shape != (probs.shape[0],):
        raise ValueError(f"need labels [N] and probs [N, K], got {list(labels.shape)} and {list(probs.shape)}")
    if len(labels) and (labels.min() < 0 or labels.max() >= probs.shape[1]):
        raise ValueError(f"labels must be class indices in [0, {probs.shape[1] - 1}]")
    if not np.isfinite(probs).all():
        raise ValueError("probs must be finite: a stopped cross-fit leaves faces without probabilities")
    return labels, probs
