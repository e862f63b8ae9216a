"""Time budgets: how many epochs fit in a run's ``time_budget_s``, planned from the measured epoch times.

The clock is an argument (``time.perf_counter`` unless a caller passes another), so tests drive a plan with a fake
clock instead of assuming how fast the machine that runs them is.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

Clock = Callable[[], float]  # seconds from an arbitrary origin; only differences are used
REPLAN_WINDOW = 0.1  # fraction of a time budget during which the planned epochs follow the measured speed


class TimeBudget:
    """The run's stopwatch, and the plan that keeps it within ``seconds`` (0: no budget, the plan never changes).

    Each epoch is timed as a lap between the same point of consecutive epochs (after validation), so a lap holds all
    that an epoch costs: its training and validation, and the callbacks and the resume checkpoint before them.
    The plan is made after the second epoch (the first is left out: cuDNN autotuning makes it slow) and again after
    every epoch that began within the first ``REPLAN_WINDOW`` of the budget: on a shared GPU the epochs speed up or slow
    down as the runs beside this one start.
    """

    def __init__(self, seconds: float, *, clock: Clock = time.perf_counter) -> None:
        self.seconds, self.clock = seconds, clock
        self.started = self._lap_started = clock()
        self.laps: list[float] = []
        self.frozen = False  # a resumed run keeps the epochs it planned before

    def elapsed(self) -> float:
        """Seconds since the run started."""
        return self.clock() - self.started

    def end_epoch(self, *, done: int, planned: int, most: int) -> int:
        """Close the lap of the epoch that was just validated and return the epochs to run in all.

        Args:
            done: epochs finished, this one included.
            planned: the epochs planned so far; returned unchanged unless a re-plan is due.
            most: the config's epochs, which a budget never exceeds.
        """
        now = self.clock()
        began, self._lap_started = self._lap_started, now
        self.laps.append(now - began)
        if not self._replan_due(done, began):
            return planned
        per_epoch = self.laps[-1]
        left = self.seconds - (now - self.started) - per_epoch  # one epoch kept for the final evaluation
        epochs = max(done, min(most, done + math.floor(left / max(per_epoch, 1e-9))))
        if epochs != planned:
            logger.info("budget %.0f s at %.2f s/epoch: %d epochs, not %d", self.seconds, per_epoch, epochs, planned)
        return epochs

    def _replan_due(self, done: int, began: float) -> bool:
        """Whether the epoch that just ended (it began at ``began``) re-plans the run."""
        if not self.seconds or self.frozen or done < 2:
            return False
        return done == 2 or began - self.started <= REPLAN_WINDOW * self.seconds
