"""Reads of the system app: the team's pings, live workers, and the health of the whole Studio."""

import logging
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet

from webapp.accounts.selectors import AnyUser, team_object_get, team_scope
from webapp.redis_client import redis_client
from webapp.system.models import WORKER_KEY_PREFIX, Ping, WorkerHeartbeat, WorkerTask
from webapp.system.processes import ProcessState, processes_read

logger = logging.getLogger(__name__)

_NO_WORKER = (
    f"No worker has sent a heartbeat in the last {settings.WORKER_HEARTBEAT_TTL_SECONDS} seconds. "
    "Start one with `./studio up`, or `celery -A worker worker -Q gpu,cpu` on a GPU host."
)


def ping_list(*, user: AnyUser, limit: int = 10) -> QuerySet[Ping]:
    """The latest pings of the user's teams."""
    return team_scope(Ping.objects.select_related("created_by"), user=user)[:limit]


def ping_get(*, user: AnyUser, ping_id: int) -> Ping:
    """One ping of the user's teams, or Http404."""
    return team_object_get(Ping.objects.select_related("created_by"), user=user, pk=ping_id)


def ping_team_id(*, ping_id: int) -> int | None:
    """The team owning a ping, for the live consumer's permission check."""
    return Ping.objects.filter(pk=ping_id).values_list("team_id", flat=True).first()


def worker_list() -> list[WorkerHeartbeat]:
    """Workers whose heartbeat has not expired, by hostname."""
    client = redis_client()
    keys = sorted(client.scan_iter(match=WORKER_KEY_PREFIX + "*", count=100))
    raw_values = client.mget(keys) if keys else []
    return [WorkerHeartbeat.from_json(raw) for raw in raw_values if raw]


GPU_QUEUE, CPU_QUEUE = "gpu", "cpu"


def queue_choose(*, device: str) -> str:
    """The queue a task waits in: `gpu`, unless it asks for the CPU or no live worker has a GPU.

    With no GPU worker but a CPU one, a GPU-or-CPU ("auto") task goes to the `cpu` queue so that it runs at all
    (slowly, and labelled so). With no worker at all it waits for a GPU one. Every kind of GPU work (training,
    analysis, label scoring) chooses here.
    """
    if device == "cpu":
        return CPU_QUEUE
    if device == "cuda":
        return GPU_QUEUE
    try:
        workers = worker_list()
    except Exception as error:  # Redis unreachable: queueing will fail loudly anyway, so keep the default here
        logger.warning("cannot read the worker registry, queueing on gpu: %s", error)
        return GPU_QUEUE
    if any(worker.has_gpu and GPU_QUEUE in worker.queues for worker in workers):
        return GPU_QUEUE
    if any(CPU_QUEUE in worker.queues for worker in workers):
        return CPU_QUEUE
    return GPU_QUEUE


@dataclass(frozen=True)
class Check:
    """One dependency's state; `detail` says what is wrong in words a user can act on."""

    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class Health:
    """The Studio's health: the database, Redis and the live workers (and `./studio up`'s processes, if any)."""

    database: Check
    redis: Check
    workers: list[WorkerHeartbeat] = field(default_factory=list)
    processes: list[ProcessState] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Healthy when the database and Redis answer and at least one worker is alive."""
        return self.database.ok and self.redis.ok and bool(self.workers)

    def as_dict(self, *, with_pids: bool = False) -> dict[str, Any]:
        """The JSON that /healthz serves; `with_pids` adds each worker's process id and the supervised processes with
        their restarts (for members, not the public)."""
        now = time.time()
        members = {"processes": [asdict(process) for process in self.processes]} if with_pids else {}
        return members | {
            "ok": self.ok,
            "database": {"ok": self.database.ok, "detail": self.database.detail},
            "redis": {"ok": self.redis.ok, "detail": self.redis.detail},
            "workers": {
                "ok": bool(self.workers),
                "detail": "" if self.workers else _NO_WORKER,
                "items": [
                    _worker_dict(worker, now) | ({"pid": worker.pid} if with_pids else {}) for worker in self.workers
                ],
            },
        }


def machine_of(hostname: str) -> str:
    """The machine of a worker's node name: `celery@gpu-box` runs on `gpu-box`."""
    return hostname.rpartition("@")[2]


def worker_tasks_busy_on(*, machine: str, since: datetime) -> bool:
    """Whether a task of any kind (job, import, analysis, …) runs on `machine` now, or started there since `since`.

    A measurement of speed (`worker.runs.latency`) asks before and after: one that overlapped other work is retaken.
    """
    here = Q(worker_hostname=machine) | Q(worker_hostname__endswith=f"@{machine}")
    busy = Q(status=WorkerTask.Status.RUNNING) | Q(started_at__gte=since)
    kinds = [model for model in apps.get_models() if issubclass(model, WorkerTask)]
    return any(model._default_manager.filter(here & busy).exists() for model in kinds)


def worker_hostnames_live() -> set[str] | None:
    """Hostnames in the worker heartbeat registry; None when Redis cannot be read (callers then cannot tell)."""
    try:
        return {worker.hostname for worker in worker_list()}
    except Exception as error:  # redis-py raises several families; all mean "cannot tell"
        logger.warning("cannot read the worker registry: %s", error)
        return None


def worker_left(*, hostname: str, started_at: datetime | None, live: set[str] | None, now: datetime) -> bool:
    """Whether the worker that took a task at `started_at` is gone from the registry `live`.

    The registry is trusted only for tasks older than its TTL (a worker just started may take a task before its
    first registry beat lands), and never when it could not be read (`live` is None).
    """
    settled = started_at is not None and started_at < now - timedelta(seconds=settings.WORKER_HEARTBEAT_TTL_SECONDS)
    return live is not None and settled and hostname not in live


def _worker_dict(worker: WorkerHeartbeat, now: float) -> dict[str, Any]:
    return {
        "hostname": worker.hostname,
        "queues": worker.queues,
        "has_gpu": worker.has_gpu,
        "gpus": worker.gpus,
        "seen_seconds_ago": max(0, round(now - worker.seen_at)),
    }


def _database_check() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any failure means "down"; the message says which
        return Check(ok=False, detail=f"{connection.vendor}: {error}")
    return Check(ok=True, detail=connection.vendor)


def health_get() -> Health:
    """Ask the database and Redis, and list the workers Redis knows to be alive."""
    processes = processes_read()
    try:
        workers = worker_list()
    except Exception as error:  # redis-py raises several families; all mean Redis is unreachable
        return Health(database=_database_check(), redis=Check(ok=False, detail=str(error)), processes=processes)
    return Health(database=_database_check(), redis=Check(ok=True, detail="reachable"), workers=workers,
                  processes=processes)  # fmt: skip
