"""A job's heartbeat while its task runs, also through the phases that report no batches.

Reading a large dataset, validating a big teacher on a CPU or exporting ONNX can each take longer than the
reaper's patience; this thread keeps `Run.heartbeat_at` fresh meanwhile. It lives in the task's process, so
when that process dies the beats stop and the reaper fails the job.
"""

import logging
import threading
from types import TracebackType

from django.db import connection

from webapp.runs import services

logger = logging.getLogger(__name__)


class RunHeartbeat(threading.Thread):
    """Beats every `interval` seconds until the `with` block ends."""

    def __init__(self, run_id: int, *, interval: float) -> None:
        super().__init__(name=f"run-{run_id}-heartbeat", daemon=True)
        self.run_id, self.interval = run_id, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                self._beat()
        finally:
            connection.close()  # this thread's own connection; the task's stays open

    def _beat(self) -> None:
        try:
            services.run_heartbeat(run_id=self.run_id)
        except Exception as error:  # a database hiccup must not kill the thread: the next beat may land
            logger.warning("heartbeat of job #%s not recorded: %s", self.run_id, error)

    def __enter__(self) -> "RunHeartbeat":
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stopped.set()
        self.join(timeout=10)
