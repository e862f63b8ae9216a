"""The worker's half of the shared task lifecycle: one heartbeat thread and one throttle, for every kind of task.

A task's heartbeat keeps `WorkerTask.heartbeat_at` fresh, also through the phases that report nothing (reading a
large dataset, validating a big teacher on a CPU, exporting ONNX). It lives in the task's process, so when that
process dies the beats stop and the reaper (`manage.py reap`) fails the task within a minute.
"""

import logging
import threading
import time
from collections.abc import Callable
from types import TracebackType

from django.db import connection

logger = logging.getLogger(__name__)


class TaskHeartbeat(threading.Thread):
    """Calls `beat()` every `interval` seconds until the `with` block ends.

    `beat` is a lifecycle service such as `services.run_heartbeat`; a failed beat is logged, never fatal, since the
    next one may land.
    """

    def __init__(self, beat: Callable[[], object], *, name: str, interval: float) -> None:
        super().__init__(name=f"{name}-heartbeat", daemon=True)
        self.beat, self.interval = beat, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                self._beat()
        finally:
            connection.close()  # this thread's own connection; the task's stays open

    def _beat(self) -> None:
        try:
            self.beat()
        except Exception as error:  # a database hiccup must not kill the thread
            logger.warning("heartbeat of %s not recorded: %s", self.name, error)

    def __enter__(self) -> "TaskHeartbeat":
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stopped.set()
        self.join(timeout=10)


class Throttle:
    """Says when something may happen again: at most once every `every` seconds of `clock` (first time: at once).

    Progress reporters use it so a fast loop writes the database and the live feed about once a second.
    """

    def __init__(self, every: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.every, self.clock = every, clock
        self._last = float("-inf")

    def due(self) -> bool:
        """True (and the window restarts) when `every` seconds passed since the last time it was due."""
        now = self.clock()
        if now - self._last < self.every:
            return False
        self._last = now
        return True

    def restart(self) -> None:
        """Start a new window now, after something happened anyway (an epoch was recorded)."""
        self._last = self.clock()
