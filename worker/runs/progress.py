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
from webapp.runs import services
from worker.lifecycle import Throttle

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
        self.batches, self.polls = Throttle(batch_interval, clock=clock), Throttle(poll_interval, clock=clock)

    def on_batch_end(self, state: TrainState, event: ProgressEvent) -> None:
        """Called every `log_every` steps: a throttled live point, and a throttled heartbeat and cancel check."""
        data = services.json_safe(asdict(event))
        if self.batches.due():
            events.publish_run_progress(run_id=self.run_id, data=data)
        if self.polls.due():
            alive = services.run_heartbeat(run_id=self.run_id, progress=data)
            self._stop_if_asked(state, alive=alive)

    def on_epoch_end(self, state: TrainState, event: ProgressEvent) -> None:
        """Called after each validated epoch: store it, send it, and check the cancel flag."""
        alive = services.run_epoch_record(run_id=self.run_id, event=asdict(event))
        self.polls.restart()
        self._stop_if_asked(state, alive=alive)

    def _stop_if_asked(self, state: TrainState, *, alive: bool) -> None:
        reason = services.STOP_GONE if not alive else services.run_stop_reason(run_id=self.run_id)
        if reason and not state.should_stop:
            logger.info("job #%s stops: %s", self.run_id, reason)
            state.should_stop, state.stop_reason = True, reason
