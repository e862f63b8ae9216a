"""Task names and `enqueue_*()`: the only seam from the web app to the worker.

The web app never imports `worker`; it sends tasks by name. Each name is defined here once, the worker
registers its task under it (`@shared_task(name=jobs.PING)`), and settings route it to a queue.
"""

from functools import cache

from celery import Celery

PING = "system.ping"
RUN_TRAINING = "runs.train"
RUN_LATENCY = "runs.measure_latency"
DATASET_IMPORT = "datasets.import_dataset"
RECORDING_PREPARE = "recordings.prepare"
RECORDING_ANALYSE = "recordings.analyse"
LABEL_SCORING = "reviews.score_labels"

TASK_NAMES = (PING, RUN_TRAINING, RUN_LATENCY, DATASET_IMPORT, RECORDING_PREPARE, RECORDING_ANALYSE, LABEL_SCORING)


@cache
def _client() -> Celery:
    """A Celery app that only sends: configured from Django settings, it knows the broker and the routes."""
    app = Celery("webapp", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    return app


def enqueue_ping(*, ping_id: int) -> str:
    """Queue a ping for any worker; returns the Celery task id."""
    return _client().send_task(PING, kwargs={"ping_id": ping_id}).id


def enqueue_training(*, run_id: int, queue: str) -> str:
    """Queue training job `run_id` on `queue` (`gpu`, or `cpu` when no GPU worker is alive); returns the task id."""
    return _client().send_task(RUN_TRAINING, kwargs={"run_id": run_id}, queue=queue).id


def enqueue_latency_measurement(*, run_id: int) -> str:
    """Queue the CPU latency measurement of finished job `run_id` (queue `cpu`; it waits until its machine is idle)."""
    return _client().send_task(RUN_LATENCY, kwargs={"run_id": run_id}, queue="cpu").id


def enqueue_dataset_import(*, import_id: int, queue: str = "cpu") -> str:
    """Queue the import of an uploaded dataset file (queue `cpu`: reading and hashing faces needs no GPU)."""
    return _client().send_task(DATASET_IMPORT, kwargs={"import_id": import_id}, queue=queue).id


def enqueue_recording_prepare(*, recording_id: int) -> str:
    """Queue the probe, poster and browser-playable copy of an uploaded recording (queue `cpu`)."""
    return _client().send_task(RECORDING_PREPARE, kwargs={"recording_id": recording_id}, queue="cpu").id


def enqueue_recording_analysis(*, analysis_id: int, queue: str) -> str:
    """Queue analysis `analysis_id` on `queue` (`gpu`, or `cpu` when no GPU worker is alive)."""
    return _client().send_task(RECORDING_ANALYSE, kwargs={"analysis_id": analysis_id}, queue=queue).id


def enqueue_label_scoring(*, scoring_id: int, queue: str) -> str:
    """Queue label-quality job `scoring_id` on `queue` (`gpu`, or `cpu` when no GPU worker is alive)."""
    return _client().send_task(LABEL_SCORING, kwargs={"scoring_id": scoring_id}, queue=queue).id
