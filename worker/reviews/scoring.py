"""One label-quality job: cross-fit the version (kdcore), score and rank every face (cleanlab), store the scores.

Progress (fold i of k, epoch, one bar and one ETA for the whole job) and the cancel flag go through the lifecycle's
services about once a second; a worker that dies is failed by the reaper as any task is.
"""

import dataclasses
import logging
import time
from functools import partial
from typing import Any

import numpy as np
from django.conf import settings

from kdcore.config import TrainConfig
from kdcore.data import DatasetError
from kdcore.label_quality import CrossFitProgress, OutOfSampleProbs, cross_fit_probs, label_scores
from kdcore.runtime import resolve_device
from webapp.datasets import selectors as dataset_selectors
from webapp.reviews import selectors, services
from webapp.reviews.models import LabelScoring
from worker.datasets import version_face_arrays
from worker.failures import expected_failure, failure_message, is_expected
from worker.lifecycle import TaskHeartbeat, Throttle
from worker.reviews.ranking import FILTER_BY, RANKED_BY, rank_label_issues

logger = logging.getLogger(__name__)


class ScoringReporter:
    """kdcore's cross-fit callbacks → the job's progress and its cancel switch, about once a second."""

    def __init__(self, scoring_id: int, *, every: float = 1.0) -> None:
        self.scoring_id = scoring_id
        self.progress_due, self.poll_due = Throttle(every), Throttle(every)
        self.stop_reason = ""

    def on_progress(self, progress: CrossFitProgress) -> None:
        if self.progress_due.due():
            services.label_scoring_progress(scoring_id=self.scoring_id, progress=dataclasses.asdict(progress))

    def should_stop(self) -> bool:
        if not self.stop_reason and self.poll_due.due():
            self.stop_reason = services.label_scoring_stop_reason(scoring_id=self.scoring_id)
        return bool(self.stop_reason)


def score_run(scoring_id: int, *, hostname: str) -> None:
    """Run label-quality job `scoring_id` here, unless it was cancelled or deleted while queued."""
    scoring = selectors.scoring_get_for_worker(scoring_id=scoring_id)
    if scoring is None or scoring.status != LabelScoring.Status.QUEUED:  # deleted, or a redelivered message
        return
    try:
        cfg = TrainConfig.from_dict(scoring.config)
        device = resolve_device(cfg.device)
    except Exception as error:  # its settings cannot work here: the user's to change
        services.label_scoring_fail(scoring_id=scoring_id, message=failure_message(error))
        raise expected_failure(error, task=f"label-quality job #{scoring_id}") from error
    if services.label_scoring_start(scoring_id=scoring_id, hostname=hostname, device=device.type) is None:
        return
    beat = partial(services.SCORINGS.heartbeat, scoring_id)
    try:
        with TaskHeartbeat(beat, name=f"scoring-{scoring_id}", interval=settings.TASK_HEARTBEAT_SECONDS):
            _score(scoring.pk, scoring.version_id, scoring.folds, cfg, device)
    except DatasetError as error:
        logger.info("label-quality job #%s cannot run on its data: %s", scoring_id, error)
        services.label_scoring_fail(scoring_id=scoring_id, message=str(error))
    except Exception as error:
        services.label_scoring_fail(scoring_id=scoring_id, message=failure_message(error))
        if is_expected(error):
            raise expected_failure(error, task=f"label-quality job #{scoring_id}") from error
        raise


def _score(scoring_id: int, version_id: int, folds: int, cfg: TrainConfig, device: Any) -> None:
    started = time.monotonic()
    arrays = version_face_arrays(version_id)
    reporter = ScoringReporter(scoring_id)
    out = cross_fit_probs(arrays, cfg, folds=folds, device=device, progress=reporter.on_progress,
                          should_stop=reporter.should_stop)  # fmt: skip
    if out.stopped:
        if reporter.stop_reason != services.STOP_GONE:
            services.label_scoring_cancelled(scoring_id=scoring_id)
        return
    rows, flagged = _rows(out, arrays.names, dataset_selectors.dataset_version_item_ids(version_id=version_id))
    summary = {
        "faces": len(rows), "flagged": flagged, "folds": folds, "ranked_by": RANKED_BY, "filter_by": FILTER_BY,
        "fold_metrics": [dataclasses.asdict(metrics) for metrics in out.fold_metrics],
        "out_of_sample_accuracy": float(np.mean(out.probs.argmax(1) == out.labels)),
        "seconds": round(time.monotonic() - started, 1), "tta_flip": out.tta_flip,
    }  # fmt: skip
    services.label_scoring_succeed(scoring_id=scoring_id, rows=rows, summary=summary)


def _rows(out: OutOfSampleProbs, names: list[str], ids: dict[str, int]) -> tuple[list[services.ScoreRow], int]:
    """One row per face, with its rank (1 = the likeliest label error), scores and suggested class."""
    scores = label_scores(out.labels, out.probs)
    order, quality, is_issue = rank_label_issues(out.labels, out.probs)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(1, len(order) + 1)
    rows = [
        services.ScoreRow(
            ids[names[i]],
            int(rank[i]),
            float(quality[i]),
            float(scores["self_confidence"][i]),
            float(scores["normalized_margin"][i]),
            bool(is_issue[i]),
            int(scores["suggested"][i]),
            out.probs[i].tolist(),
        )
        for i in range(len(order))
    ]
    return rows, int(is_issue.sum())
