"""Task names and `enqueue_*()`: the only seam from the web app to the worker.

The web app never imports `worker`; it sends tasks by name. Each name is defined here once, the worker
registers its task under it (`@shared_task(name=jobs.PING)`), and settings route it to a queue.

Every task but the ping and the latency measurement is a lifecycle task (`webapp.system.lifecycle`) whose record is
the truth: when its message cannot be sent (the broker is down) or is lost, the reaper sends it again
(`messages_pending` says which are there).
"""

import base64
import json
import logging
import time
from functools import cache
from typing import Any

import redis
from celery import Celery
from kombu.exceptions import OperationalError
from kombu.transport.redis import Channel as RedisChannel

logger = logging.getLogger(__name__)

PING = "system.ping"
RUN_TRAINING = "runs.train"
RUN_LATENCY = "runs.measure_latency"
DATASET_IMPORT = "datasets.import_dataset"
RECORDING_PREPARE = "recordings.prepare"
RECORDING_ANALYSE = "recordings.analyse"
LABEL_SCORING = "reviews.score_labels"

TASK_NAMES = (PING, RUN_TRAINING, RUN_LATENCY, DATASET_IMPORT, RECORDING_PREPARE, RECORDING_ANALYSE, LABEL_SCORING)
# The one argument of each lifecycle task: its record's id.
_ID_ARGUMENTS = {
    RUN_TRAINING: "run_id", DATASET_IMPORT: "import_id", RECORDING_PREPARE: "recording_id",
    RECORDING_ANALYSE: "analysis_id", LABEL_SCORING: "scoring_id",
}  # fmt: skip


@cache
def _client() -> Celery:
    """A Celery app that only sends: configured from Django settings, it knows the broker and the routes."""
    app = Celery("webapp", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    return app


def _send(name: str, *, object_id: int, queue: str) -> str:
    """Send a lifecycle task; "" when the broker cannot take it now (its record stays queued: the reaper re-sends)."""
    try:
        return _client().send_task(name, kwargs={_ID_ARGUMENTS[name]: object_id}, queue=queue).id
    except OperationalError as error:
        logger.warning("could not send %s for #%s, the reaper will send it again: %s", name, object_id, error)
        return ""


def enqueue_ping(*, ping_id: int) -> str:
    """Queue a ping for any worker; returns the Celery task id."""
    return _client().send_task(PING, kwargs={"ping_id": ping_id}).id


def enqueue_training(*, run_id: int, queue: str) -> str:
    """Queue training job `run_id` on `queue` (`gpu`, or `cpu` when no GPU worker is alive); returns the task id."""
    return _send(RUN_TRAINING, object_id=run_id, queue=queue)


def enqueue_latency_measurement(*, run_id: int) -> str:
    """Queue the CPU latency measurement of finished job `run_id` (queue `cpu`; it waits until its machine is idle)."""
    try:
        return _client().send_task(RUN_LATENCY, kwargs={"run_id": run_id}, queue="cpu").id
    except OperationalError as error:  # a fact measured later ("measure again" on the job's page), never a lost job
        logger.warning("could not send the latency measurement of job #%s: %s", run_id, error)
        return ""


def enqueue_dataset_import(*, import_id: int, queue: str = "cpu") -> str:
    """Queue the import of an uploaded dataset file (queue `cpu`: reading and hashing faces needs no GPU)."""
    return _send(DATASET_IMPORT, object_id=import_id, queue=queue)


def enqueue_recording_prepare(*, recording_id: int) -> str:
    """Queue the probe, poster and browser-playable copy of an uploaded recording (queue `cpu`)."""
    return _send(RECORDING_PREPARE, object_id=recording_id, queue="cpu")


def enqueue_recording_analysis(*, analysis_id: int, queue: str) -> str:
    """Queue analysis `analysis_id` on `queue` (`gpu`, or `cpu` when no GPU worker is alive)."""
    return _send(RECORDING_ANALYSE, object_id=analysis_id, queue=queue)


def enqueue_label_scoring(*, scoring_id: int, queue: str) -> str:
    """Queue label-quality job `scoring_id` on `queue` (`gpu`, or `cpu` when no GPU worker is alive)."""
    return _send(LABEL_SCORING, object_id=scoring_id, queue=queue)


def _json(raw: bytes | str) -> Any:
    """Parsed JSON, or None for what is not (Redis lists of other programs)."""
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _task_of(message: Any) -> tuple[str, int] | None:
    """(task name, record id) of a Celery message as kombu stores it in Redis; None for anything else."""
    try:
        name = message["headers"]["task"]
        body = message["body"]
        if message["properties"].get("body_encoding") == "base64":
            body = base64.b64decode(body)
        _args, kwargs, _embed = json.loads(body)
        return name, int(kwargs[_ID_ARGUMENTS[name]])
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def messages_pending(*, delivered_within: float) -> set[tuple[str, int]] | None:
    """(task name, record id) of every lifecycle task whose message waits in a queue, or was delivered to a worker
    less than `delivered_within` seconds ago; None when the broker cannot be read.

    A message delivered longer ago and not acknowledged belongs to a worker that died before claiming its task
    (a live one claims within a second; with late acknowledgement the message then stays until the task ends, but the
    record is no longer queued). Reads kombu's Redis layout: a list per queue (and priority), and the delivered
    messages in the hash `unacked`, indexed by delivery time in `unacked_index`; all in one MULTI, so a message moving
    from its queue to a worker is seen in one place or the other.
    """
    client = redis.Redis.from_url(_client().conf.broker_url, socket_connect_timeout=2, socket_timeout=5)
    try:
        queues = list(client.scan_iter(count=1000, _type="list"))
        with client.pipeline(transaction=True) as pipe:
            for queue in queues:
                pipe.lrange(queue, 0, -1)
            pipe.hgetall(RedisChannel.unacked_key)
            pipe.zrange(RedisChannel.unacked_index_key, time.time() - delivered_within, "+inf", byscore=True)
            *waiting, delivered, recent = pipe.execute()
    except redis.RedisError as error:
        logger.warning("cannot read the broker's queues: %s", error)
        return None
    finally:
        client.close()
    messages = [_json(raw) for queue in waiting for raw in queue]
    entries = [_json(delivered[tag]) for tag in recent if tag in delivered]
    messages += [entry[0] for entry in entries if isinstance(entry, list) and entry]  # [message, exchange, key]
    return {task for task in map(_task_of, messages) if task is not None}
