"""Measure a finished job's CPU batch-1 latency as a fact: alone on its machine, on one thread, median of 20 runs.

It runs as its own task on the `cpu` queue (`worker.tasks.measure_latency`), never inside a training task, and:

- holds a per-machine Redis lock, so two measurements on one machine never overlap;
- waits (the task retries later) while any task runs on this machine, and retakes a measurement during which one
  started, so training never shares the CPU with it;
- measures a distilled student side by side with its teacher (interleaved runs) when it comes out slower than the
  teacher's own number, or the teacher has none: noise then slows both alike, and a student still slower says so.
"""

import logging
import socket
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import torch
from django.conf import settings
from django.utils import timezone
from redis.exceptions import LockError

from kdcore.benchmark import LatencyMeasurement, measure_latencies, measure_latency
from kdcore.checkpoint import load_checkpoint
from webapp.redis_client import redis_client
from webapp.runs import selectors, services
from webapp.runs.models import Run
from webapp.system import selectors as system_selectors

logger = logging.getLogger(__name__)

THREADS, RUNS, WARMUP = 1, 20, 5
LOCK_SECONDS = 600  # longer than any measurement; a worker killed mid-way frees its machine after this


class MachineBusyError(Exception):
    """Other work runs on this machine (or another measurement does): measure later."""


@dataclass(frozen=True)
class Measured:
    """One job's measurement, ready to store, with a note when there is something to say about it."""

    run: Run
    result: LatencyMeasurement
    side_by_side_with: int | None = None
    note: str = ""
    slower_than_teacher: bool = False


def measure_run_latency(run_id: int, *, hostname: str) -> bool:
    """Measure job `run_id` (and its teacher when needed) and store the numbers; False when there is nothing to
    measure (deleted, or no checkpoint).

    Raises:
        MachineBusyError: while other work runs on this machine; the task tries again later.
    """
    run = selectors.run_load_or_none(run_id=run_id)
    if run is None or run.status != Run.Status.SUCCEEDED or not run.checkpoint_path:
        return False
    machine = system_selectors.machine_of(hostname) or socket.gethostname()
    lock = redis_client().lock(f"studio:latency:{machine}", timeout=LOCK_SECONDS, blocking=False)
    if not lock.acquire():
        raise MachineBusyError(f"another latency measurement runs on {machine}")
    try:
        measured = _measure_alone_on(machine, run)
    finally:
        _release(lock)
    for item in measured:
        services.run_latency_record(
            run_id=item.run.pk, latency_ms=item.result.median_ms, details=_details(item, machine)
        )
    return True


def _measure_alone_on(machine: str, run: Run) -> list[Measured]:
    started = timezone.now()
    _check_idle(machine, started, "a task runs there")
    measured = measure_with_teacher(run)
    _check_idle(machine, started, "a task started there during the measurement")
    return measured


def _check_idle(machine: str, since: datetime, why: str) -> None:
    if system_selectors.worker_tasks_busy_on(machine=machine, since=since):
        raise MachineBusyError(f"{machine} is busy: {why}")


def _release(lock: Any) -> None:
    try:
        lock.release()
    except LockError:  # it expired meanwhile: nothing left to free
        logger.warning("the latency lock expired before the measurement ended")


def measure_with_teacher(run: Run) -> list[Measured]:
    """The job's measurement; with its teacher's too, side by side, when the job alone came out slower than the
    teacher's own number (or the teacher has none)."""
    model = _load(run)
    alone = measure_latency(model, threads=THREADS, runs=RUNS, warmup=WARMUP)
    teacher = run.teacher
    if teacher is None or not _checkpoint(teacher).is_file():
        return [Measured(run, alone)]
    if teacher.latency_measured and teacher.latency_ms is not None and alone.median_ms <= teacher.latency_ms:
        return [Measured(run, alone)]
    student, measured_teacher = measure_latencies([model, _load(teacher)], threads=THREADS, runs=RUNS, warmup=WARMUP)
    slower = student.median_ms > measured_teacher.median_ms
    return [
        Measured(run, student, teacher.pk, _student_note(teacher, student, measured_teacher), slower),
        Measured(teacher, measured_teacher, run.pk, f"Measured side by side with its student, job #{run.pk}."),
    ]


def _student_note(teacher: Run, student: LatencyMeasurement, measured: LatencyMeasurement) -> str:
    if student.median_ms <= measured.median_ms:
        return f"Measured side by side with its teacher, job #{teacher.pk} ({measured.median_ms:.2f} ms)."
    sizes = (
        f" It reads {student.input_size} px images, the teacher {measured.input_size} px."
        if student.input_size != measured.input_size
        else ""
    )
    return (
        f"Slower than its teacher (job #{teacher.pk}, {measured.median_ms:.2f} ms) even measured side by side with "
        f"it.{sizes}"
    )


def _checkpoint(run: Run) -> Path:
    return Path(settings.MEDIA_ROOT) / run.checkpoint_path


def _load(run: Run) -> torch.nn.Module:
    model, _, _ = load_checkpoint(_checkpoint(run), device="cpu")
    return model


def _details(item: Measured, machine: str) -> dict[str, Any]:
    """What `Run.latency` keeps: the numbers, how they were taken, when and where."""
    numbers = {
        name: round(value, 4) if isinstance(value, float) else value for name, value in asdict(item.result).items()
    }
    return {
        **numbers, "spread_ms": round(item.result.spread_ms, 4), "measured_at": timezone.now().isoformat(),
        "host": machine, "torch": str(torch.__version__), "side_by_side_with": item.side_by_side_with,
        "note": item.note, "slower_than_teacher": item.slower_than_teacher,
    }  # fmt: skip
