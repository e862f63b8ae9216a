"""Each live worker keeps a key in Redis: who it is, which queues it consumes, which GPUs it has.

/healthz and the status page read those keys. They expire unless refreshed, so a worker that dies
without saying goodbye disappears within `WORKER_HEARTBEAT_TTL_SECONDS`; Celery's own `inspect`
broadcasts would be slower and miss busy workers.
"""

import logging
import os
import threading
import time
from dataclasses import replace
from typing import Any

from celery.signals import worker_ready, worker_shutdown
from celery.worker.consumer import Consumer
from django.conf import settings

from webapp.system import services
from webapp.system.models import WorkerHeartbeat
from worker.gpu import gpu_names

logger = logging.getLogger(__name__)


class HeartbeatThread(threading.Thread):
    """Refreshes this worker's key every `interval` seconds until stopped, then deletes it."""

    def __init__(self, *, hostname: str, queues: list[str], interval: float) -> None:
        super().__init__(name="studio-heartbeat", daemon=True)
        self.hostname, self.queues, self.interval = hostname, queues, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        # GPU discovery may take seconds (nvidia-smi), so it happens here, not in the worker's start-up.
        now = time.time()
        heartbeat = WorkerHeartbeat(
            hostname=self.hostname, queues=self.queues, gpus=gpu_names(), pid=os.getpid(), started_at=now, seen_at=now
        )
        while not self.stopped.is_set():
            self._beat(replace(heartbeat, seen_at=time.time()))
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        """Stop beating and forget this worker at once."""
        self.stopped.set()
        self.join(timeout=5)
        try:
            services.worker_heartbeat_clear(hostname=self.hostname)
        except Exception as error:  # Redis may already be gone at shutdown; the key then just expires
            logger.warning("could not clear the heartbeat of %s: %s", self.hostname, error)

    def _beat(self, heartbeat: WorkerHeartbeat) -> None:
        try:
            services.worker_heartbeat_record(heartbeat=heartbeat)
        except Exception as error:  # keep beating: Redis may come back
            logger.warning("heartbeat of %s not recorded: %s", self.hostname, error)


_running: dict[str, HeartbeatThread] = {}


@worker_ready.connect
def _start_heartbeat(sender: Consumer, **kwargs: Any) -> None:
    queues = sorted(sender.app.amqp.queues.consume_from)
    thread = HeartbeatThread(hostname=sender.hostname, queues=queues, interval=settings.WORKER_HEARTBEAT_SECONDS)
    _running["thread"] = thread
    thread.start()


@worker_shutdown.connect
def _stop_heartbeat(**kwargs: Any) -> None:
    thread = _running.pop("thread", None)
    if thread is not None:
        thread.stop()
