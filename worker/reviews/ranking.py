"""Rank faces by how likely their given label is wrong, with cleanlab's confident learning.

Confident learning (Northcutt, Jiang & Chuang, "Confident Learning: Estimating Uncertainty in Dataset Labels",
JAIR 70, 2021) counts the confident joint of given and true labels from out-of-sample probabilities: each class's
threshold is its faces' mean self-confidence, and a face falls in an off-diagonal cell when, of the classes whose
threshold its probability reaches, the likeliest is not its given label. Those faces are flagged
("confident_learning"; "prune_by_noise_rate" instead flags, per cell, as many of the least likely faces as the cell's
estimated count; "both" flags what both flag). Reviewers see every face in the order of cleanlab's label-quality
score, worst first, with the flagged ones marked: on the full FER2013 training set (GPU run in docs/results.md), that
order found more flipped labels in its top k than putting the flagged set first.

numpy and cleanlab only: no Django, no torch (the label-quality job calls it with kdcore's probabilities; the
benchmark loads this file by path).
"""

from __future__ import annotations

import numpy as np
from cleanlab.filter import find_label_issues
from cleanlab.rank import get_label_quality_scores

# Chosen on benchmarks/label_noise.py's GPU run over the full training set (docs/results.md, "Label quality: finding
# flipped labels"): ordering by the self-confidence score found the most flips in its top k (precision@k 0.534 against
# 0.511 for the prune_by_noise_rate set first and 0.486 for confident_learning first), and "both" flags the fewest
# faces at the highest precision (0.137) for nearly the same recall (0.837 against 0.841).
RANKED_BY = "self_confidence"
FILTER_BY = "both"


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
        ``(order, quality_scores, is_issue)``: ``order`` int64 [N], every face once by ascending score (ties keep
        index order); ``quality_scores`` float [N] in [0, 1], low meaning likely wrong; ``is_issue`` bool [N], the
        faces confident learning flags.

    Raises:
        ValueError: shapes that do not match, labels outside [0, K), or probabilities that are not finite.
    """
    labels, probs = _checked(labels, probs)
    scores = get_label_quality_scores(labels, probs, method=ranked_by)
    flagged = find_label_issues(labels, probs, filter_by=filter_by, return_indices_ranked_by=ranked_by, n_jobs=1)
    is_issue = np.zeros(len(labels), dtype=bool)
    is_issue[flagged] = True
    return np.argsort(scores, kind="stable").astype(np.int64), scores, is_issue


def _checked(labels: np.ndarray, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    labels, probs = np.asarray(labels, dtype=np.int64), np.asarray(probs, dtype=np.float64)
    if probs.ndim != 2 or labels.shape != (probs.shape[0],):
        raise ValueError(f"need labels [N] and probs [N, K], got {list(labels.shape)} and {list(probs.shape)}")
    if len(labels) and (labels.min() < 0 or labels.max() >= probs.shape[1]):
        raise ValueError(f"labels must be class indices in [0, {probs.shape[1] - 1}]")
    if not np.isfinite(probs).all():
        raise ValueError("probs must be finite: a stopped cross-fit leaves faces without probabilities")
    return labels, probs
