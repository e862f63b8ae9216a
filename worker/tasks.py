"""Thin tasks: load by id, do the work (kdcore, later), hand results to a service.

Each lists in `throws` the exception it raises for an expected failure (already recorded on its row), so Celery logs
that as one INFO line; a fault of ours still propagates as an error with its traceback (`worker.failures`).
"""

from celery import Task, shared_task

from webapp import jobs
from webapp.system import services
from worker import datasets
from worker.datasets.importer import DatasetImportError
from worker.failures import TaskFailedError
from worker.recordings.analysis import analyse_run
from worker.recordings.prepare import prepare_run
from worker.reviews.scoring import score_run
from worker.runs import latency, training

LATENCY_RETRY_SECONDS = 30


@shared_task(name=jobs.PING, bind=True)
def ping(self: Task, ping_id: int) -> None:
    """Answer a ping: proves this worker takes tasks, writes the database and publishes live events."""
    services.ping_complete(ping_id=ping_id, hostname=self.request.hostname or "unknown")


@shared_task(name=jobs.RUN_TRAINING, bind=True, throws=(TaskFailedError,))
def run_training(self: Task, run_id: int) -> None:
    """Train or distil job `run_id`, reporting live; a permanent error fails the job with its reason, then raises."""
    training.train_run(run_id, hostname=self.request.hostname or "unknown")


@shared_task(name=jobs.RUN_LATENCY, bind=True, max_retries=None)
def measure_latency(self: Task, run_id: int) -> None:
    """Measure a finished job's CPU latency alone on this machine; while other work runs here, try again later."""
    try:
        latency.measure_run_latency(run_id, hostname=self.request.hostname or "")
    except latency.MachineBusyError as busy:
        raise self.retry(countdown=LATENCY_RETRY_SECONDS, exc=busy) from None


@shared_task(name=jobs.DATASET_IMPORT, bind=True, throws=(DatasetImportError,))
def import_dataset(self: Task, import_id: int) -> None:
    """Import an uploaded dataset file into a new version; a bad file fails the import with its reason, then raises."""
    datasets.import_run(import_id, hostname=self.request.hostname or "unknown")


@shared_task(name=jobs.RECORDING_PREPARE, bind=True, throws=(TaskFailedError,))
def prepare_recording(self: Task, recording_id: int) -> None:
    """Probe an uploaded recording, write its poster and a browser-playable copy; an unusable file is failed."""
    prepare_run(recording_id, hostname=self.request.hostname or "unknown")


@shared_task(name=jobs.RECORDING_ANALYSE, bind=True, throws=(TaskFailedError,))
def analyse_recording(self: Task, analysis_id: int) -> None:
    """Analyse a recording frame by frame, streaming rows live; a permanent error fails it with its reason."""
    analyse_run(analysis_id, hostname=self.request.hostname or "unknown")


@shared_task(name=jobs.LABEL_SCORING, bind=True, throws=(TaskFailedError,))
def score_labels(self: Task, scoring_id: int) -> None:
    """Cross-fit a dataset version and score every face's label; a permanent error fails the job with its reason."""
    score_run(scoring_id, hostname=self.request.hostname or "unknown")
