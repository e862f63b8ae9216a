"""rank_label_issues on a toy problem with known posteriors: flipped labels first, every face once, the paper's
scores, and nothing but numpy and cleanlab loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kdcore.label_quality import label_scores
from worker.reviews.ranking import rank_label_issues

RANKING = Path(__file__).resolve().parents[3] / "worker" / "reviews" / "ranking.py"


def toy_problem(
    per_class: int = 200, flips: int = 30, spread: float = 0.6
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Three 2-D Gaussian classes with exact posteriors as the probabilities, and ``flips`` labels moved to another
    class, uniformly: (noisy labels [N], probs [N, 3], flipped indices)."""
    rng = np.random.default_rng(0)
    angles = 2 * np.pi * np.arange(3) / 3
    means = 2 * np.stack([np.cos(angles), np.sin(angles)], 1)
    true = np.repeat(np.arange(3), per_class)
    points = means[true] + rng.normal(0, spread, (len(true), 2))
    log_likelihood = -((points[:, None] - means[None]) ** 2).sum(-1) / (2 * spread**2)
    probs = np.exp(log_likelihood - log_likelihood.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    flipped = rng.choice(len(true), flips, replace=False)
    labels = true.copy()
    labels[flipped] = (labels[flipped] + rng.integers(1, 3, flips)) % 3
    return labels, probs, flipped


def test_it_puts_flipped_labels_first() -> None:
    labels, probs, flipped = toy_problem()

    order, _, is_issue = rank_label_issues(labels, probs)

    assert len(set(order[: len(flipped)]) & set(flipped)) >= 0.9 * len(flipped)
    assert len(set(np.flatnonzero(is_issue)) & set(flipped)) >= 0.9 * len(flipped)
    assert is_issue.sum() <= 1.2 * len(flipped)


def test_it_lists_every_face_once_worst_score_first() -> None:
    labels, probs, _ = toy_problem()

    order, scores, is_issue = rank_label_issues(labels, probs)

    assert sorted(order.tolist()) == list(range(len(labels)))
    assert np.all(np.diff(scores[order]) >= 0)
    assert is_issue.any()


@pytest.mark.parametrize("ranked_by", ["self_confidence", "normalized_margin"])
def test_it_scores_as_kdcore_does(ranked_by: str) -> None:
    labels, probs, _ = toy_problem()

    _, scores, _ = rank_label_issues(labels, probs, ranked_by=ranked_by)

    assert np.allclose(scores, label_scores(labels, probs)[ranked_by], atol=1e-6)


def test_it_refuses_probabilities_of_a_stopped_cross_fit() -> None:
    labels, probs, _ = toy_problem()
    probs[5] = np.nan

    with pytest.raises(ValueError, match="finite"):
        rank_label_issues(labels, probs)


def test_it_loads_without_django_celery_or_torch() -> None:
    probe = (
        "import importlib.util, json, sys\n"
        f"spec = importlib.util.spec_from_file_location('ranking', {str(RANKING)!r})\n"
        "spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
        "json.dump(sorted({name.partition('.')[0] for name in sys.modules}), sys.stdout)\n"
    )
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, check=True).stdout))

    assert "cleanlab" in loaded
    assert not loaded & {"django", "celery", "webapp", "worker", "torch", "kdcore"}
