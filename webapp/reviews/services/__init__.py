"""Writes of the reviews app, by concern; import them from here (`from webapp.reviews import services`)."""

from webapp.reviews.services.commits import changelog, review_commit
from webapp.reviews.services.decisions import (
    BulkItem,
    ConflictError,
    Surface,
    review_decide,
    review_decide_many,
    review_undo,
    version_check_open,
)
from webapp.reviews.services.scorings import (
    DEFAULT_SETTINGS,
    MAX_FOLDS,
    MIN_FOLDS,
    SCORINGS,
    ScoreRow,
    folds_check,
    label_scoring_cancel,
    label_scoring_cancelled,
    label_scoring_create,
    label_scoring_fail,
    label_scoring_progress,
    label_scoring_retry,
    label_scoring_start,
    label_scoring_stop_reason,
    label_scoring_succeed,
)
from webapp.system.lifecycle import STOP_CANCELLED, STOP_GONE

__all__ = [
    "DEFAULT_SETTINGS",
    "MAX_FOLDS",
    "MIN_FOLDS",
    "SCORINGS",
    "STOP_CANCELLED",
    "STOP_GONE",
    "BulkItem",
    "ConflictError",
    "ScoreRow",
    "Surface",
    "changelog",
    "folds_check",
    "label_scoring_cancel",
    "label_scoring_cancelled",
    "label_scoring_create",
    "label_scoring_fail",
    "label_scoring_progress",
    "label_scoring_retry",
    "label_scoring_start",
    "label_scoring_stop_reason",
    "label_scoring_succeed",
    "review_commit",
    "review_decide",
    "review_decide_many",
    "review_undo",
    "version_check_open",
]
