"""`RunProgressCallback`: kdcore's training hooks → the job's record, its live feed, and its cancel switch.

Batch events go to the browser only, at most about once a second; every epoch is stored and sent; about once
a second the job's heartbeat is written and its cancel flag read, and a cancelled (or reaped) job stops
after the current batch through `TrainState.should_stop`.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import asdict

from kdcore.train import Callback, ProgressEvent, TrainState
from webapp import events
from webapp.runs import selectors, services

logger = logging.getLogger(__name__)


class RunProgressCallback(Callback):
    """Reports one job's training to the Studio and stops it when asked."""

    def __init__(
        self,
        run_id: int,
        *,
        batch_interval: float = 1.0,
        poll_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.run_id = run_id
        self.batch_interval, self.poll_interval, self.clock = batch_interval, poll_interval, clock
        self._last_batch = self._last_poll = float("-inf")

    def on_batch_end(self, state: TrainState, event: ProgressEvent) -> None:
        """Called every `log_every` steps: a throttled live point, and a throttled heartbeat and cancel check."""
        now = self.clock()
        data = services.json_safe(asdict(event))
        if now - self._last_batch >= self.batch_interval:
            self._last_batch = now
            events.publish_run_progress(run_id=self.run_id, data=data)
        if now - self._last_poll >= self.poll_interval:
            self._last_poll = now
            alive = services.run_heartbeat(run_id=self.run_id, progress=data)
            self._stop_if_asked(state, alive=alive)

    def on_epoch_end(self, state: TrainState, event: ProgressEvent) -> None:
        """Called after each validated epoch: store it, send it, and check the cancel flag."""
        alive = services.run_epoch_record(run_id=self.run_id, event=asdict(event))
        self._last_poll = self.clock()
        self._stop_if_asked(state, alive=alive)

    def _stop_if_asked(self, state: TrainState, *, alive: bool) -> None:
        reason = selectors.STOP_GONE if not alive else selectors.run_stop_reason(run_id=self.run_id)
        if reason and not state.should_stop:
            logger.info("job #%s stops: %s", self.run_id, reason)
            state.should_stop, state.stop_reason = True, reason
