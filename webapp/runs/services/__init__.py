"""Writes of the runs app, by concern; import them from here (`from webapp.runs import services`)."""

from webapp.runs.services.deletion import run_delete
from webapp.runs.services.latency import run_latency_record, run_latency_request
from webapp.runs.services.lifecycle import run_cancel, run_create, run_retrain, run_retry
from webapp.runs.services.progress import (
    RUNS,
    PredictionRow,
    RunArtifacts,
    RunLifecycle,
    json_safe,
    run_epoch_record,
    run_heartbeat,
    run_mark_cancelled,
    run_mark_failed,
    run_mark_succeeded,
    run_predictions_store,
    run_reap_stale,
    run_start,
    run_stop_reason,
)
from webapp.system.lifecycle import STOP_CANCELLED, STOP_GONE

__all__ = [
    "RUNS",
    "STOP_CANCELLED",
    "STOP_GONE",
    "PredictionRow",
    "RunArtifacts",
    "RunLifecycle",
    "json_safe",
    "run_cancel",
    "run_create",
    "run_delete",
    "run_epoch_record",
    "run_heartbeat",
    "run_latency_record",
    "run_latency_request",
    "run_mark_cancelled",
    "run_mark_failed",
    "run_mark_succeeded",
    "run_predictions_store",
    "run_reap_stale",
    "run_retrain",
    "run_retry",
    "run_start",
    "run_stop_reason",
]
