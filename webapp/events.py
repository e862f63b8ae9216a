"""Live events: group names and `publish_*()`, the only caller of `async_to_sync(group_send)`.

A group is one object's live feed, `"<kind>.<id>"` (a job's curves, a recording's per-frame emotions).
Consumers subclassing `webapp.consumers.TeamObjectConsumer` join it after checking the user's team and
forward every event to the browser as `{"event": ..., "data": ...}`.

Publishing is best effort: a live event describes work whose record is in the database, and a page re-reads that
record whenever its feed reconnects, so a Redis outage drops events (counted and logged) but never fails the work.
"""

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.exceptions import ChannelFull
from channels.layers import get_channel_layer
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

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


# A send gets this long; after a failed one, events are dropped at once for PUBLISH_PAUSE_SECONDS rather than each
# waiting for a Redis that is down or frozen, so a training loop keeps its pace through an outage.
PUBLISH_TIMEOUT_SECONDS = 2.0
PUBLISH_PAUSE_SECONDS = 5.0
DROP_LOG_EVERY_SECONDS = 60.0
# What an unreachable, frozen or full Redis raises through channels-redis; anything else is a bug and still raises.
_OUTAGE_ERRORS = (RedisError, OSError, TimeoutError, ChannelFull)


class _Drops:
    """Counts events dropped in this process; logs the first of an outage, then at most once a minute, and its end."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock, self.lock = clock, threading.Lock()
        self.total = self.unlogged = self.in_outage = 0
        self.paused_until = self.logged_at = float("-inf")
        self.last_error: BaseException | None = None

    def paused(self) -> bool:
        """Within the pause that follows a failed send: drop without trying."""
        return self.clock() < self.paused_until

    def drop(self, error: BaseException | None) -> None:
        """One event dropped; `error` (None while paused) starts a new pause."""
        with self.lock:
            now = self.clock()
            self.total, self.unlogged, self.in_outage = self.total + 1, self.unlogged + 1, self.in_outage + 1
            if error is not None:
                self.paused_until, self.last_error = now + PUBLISH_PAUSE_SECONDS, error
            if now - self.logged_at >= DROP_LOG_EVERY_SECONDS:
                logger.warning("dropped %d live event(s), %d in all; the database keeps the record (%s: %s)",
                               self.unlogged, self.total, type(self.last_error).__name__, self.last_error)  # fmt: skip
                self.logged_at, self.unlogged = now, 0

    def delivered(self) -> None:
        """A send went through: an outage, if any, is over."""
        if self.in_outage:
            with self.lock:
                logger.warning("live events are delivered again, after %d dropped", self.in_outage)
                self.in_outage = self.unlogged = 0
                self.logged_at = float("-inf")


_drops = _Drops()


def publish_drops() -> int:
    """How many live events this process has dropped since it started (Redis unreachable, frozen or full)."""
    return _drops.total


async def _send(group: str, message: dict[str, Any]) -> None:
    await asyncio.wait_for(get_channel_layer().group_send(group, message), timeout=PUBLISH_TIMEOUT_SECONDS)


def publish(*, kind: str, object_id: int, event: str, data: dict[str, Any]) -> None:
    """Send `event` with JSON-ready `data` to everyone watching one object; call it from sync code only.

    Never raises on a Redis outage: the event is dropped and counted (`publish_drops`), and the work goes on.
    """
    if _drops.paused():
        _drops.drop(None)
        return
    try:
        async_to_sync(_send)(group_name(kind, object_id), {"type": LIVE_EVENT, "event": event, "data": data})
    except _OUTAGE_ERRORS as error:
        _drops.drop(error)
        return
    _drops.delivered()


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
