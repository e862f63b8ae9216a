"""Live events: group names and `publish_*()`, the only caller of `async_to_sync(group_send)`.

A group is one object's live feed, `"<kind>.<id>"` (a job's curves, a recording's per-frame emotions).
Consumers subclassing `webapp.consumers.TeamObjectConsumer` join it after checking the user's team and
forward every event to the browser as `{"event": ..., "data": ...}`.
"""

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

PINGS = "pings"
RUNS = "runs"
DATASET_IMPORTS = "dataset-imports"
RECORDINGS = "recordings"
ANALYSES = "analyses"
SCORINGS = "scorings"

PING_COMPLETED = "ping.completed"
RUN_STATUS = "run.status"  # the job's payload, on every status change
RUN_EPOCH = "run.epoch"  # asdict(ProgressEvent) of each validated epoch, also stored
DATASET_IMPORT_UPDATED = "dataset_import.updated"  # the import's payload: progress, status, errors
RUN_PROGRESS = "run.progress"  # asdict(ProgressEvent) of a batch, about once a second, never stored
RECORDING_STATUS = "recording.status"  # the recording's payload: preparation's progress and outcome
ANALYSIS_STATUS = "analysis.status"  # the analysis's payload, on every status change and progress point
SCORING_STATUS = "scoring.status"  # a label-quality job's payload: progress and outcome
ANALYSIS_FRAMES = "analysis.frames"  # per-frame rows classified since the last batch (a few batches a second)

# The Channels message type every consumer handles (handler `live_event`).
LIVE_EVENT = "live.event"


def group_name(kind: str, object_id: int) -> str:
    """The Channels group of one object's live feed."""
    return f"{kind}.{object_id}"


def publish(*, kind: str, object_id: int, event: str, data: dict[str, Any]) -> None:
    """Send `event` with JSON-ready `data` to everyone watching one object; call it from sync code only."""
    layer = get_channel_layer()
    message = {"type": LIVE_EVENT, "event": event, "data": data}
    async_to_sync(layer.group_send)(group_name(kind, object_id), message)


def publish_ping_completed(*, ping_id: int, data: dict[str, Any]) -> None:
    """A worker answered ping `ping_id`."""
    publish(kind=PINGS, object_id=ping_id, event=PING_COMPLETED, data=data)


def publish_run_status(*, run_id: int, data: dict[str, Any]) -> None:
    """Job `run_id` changed state (queued, running, succeeded, failed, cancelled)."""
    publish(kind=RUNS, object_id=run_id, event=RUN_STATUS, data=data)


def publish_run_epoch(*, run_id: int, data: dict[str, Any]) -> None:
    """Job `run_id` finished and validated an epoch."""
    publish(kind=RUNS, object_id=run_id, event=RUN_EPOCH, data=data)


def publish_run_progress(*, run_id: int, data: dict[str, Any]) -> None:
    """Job `run_id` reports a batch (throttled by the worker)."""
    publish(kind=RUNS, object_id=run_id, event=RUN_PROGRESS, data=data)


def publish_dataset_import(*, import_id: int, data: dict[str, Any]) -> None:
    """Dataset import `import_id` moved on (progress) or ended (succeeded or failed)."""
    publish(kind=DATASET_IMPORTS, object_id=import_id, event=DATASET_IMPORT_UPDATED, data=data)


def publish_recording_status(*, recording_id: int, data: dict[str, Any]) -> None:
    """Recording `recording_id` was prepared further (probed, poster, playable copy) or failed."""
    publish(kind=RECORDINGS, object_id=recording_id, event=RECORDING_STATUS, data=data)


def publish_analysis_status(*, analysis_id: int, data: dict[str, Any]) -> None:
    """Analysis `analysis_id` changed state or moved on (progress, frames/s, ETA)."""
    publish(kind=ANALYSES, object_id=analysis_id, event=ANALYSIS_STATUS, data=data)


def publish_analysis_frames(*, analysis_id: int, data: dict[str, Any]) -> None:
    """Analysis `analysis_id` classified more frames: `data["rows"]` as `live_rows` lays them out."""
    publish(kind=ANALYSES, object_id=analysis_id, event=ANALYSIS_FRAMES, data=data)


def publish_scoring_status(*, scoring_id: int, data: dict[str, Any]) -> None:
    """Label-quality job `scoring_id` moved on or ended."""
    publish(kind=SCORINGS, object_id=scoring_id, event=SCORING_STATUS, data=data)
