"""Work a worker runs (the abstract `WorkerTask`), pings (a team's proof that a worker answers), and the heartbeat a
worker keeps in Redis."""

import json
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import models

from webapp.accounts.models import TeamOwned

WORKER_KEY_PREFIX = "studio:worker:"


class WorkerTask(TeamOwned):
    """Work that a Celery worker runs for a team: a training job, a dataset import, a recording analysis, …

    Every kind shares one lifecycle (`webapp.system.lifecycle.Lifecycle`): queued → running (claimed by one worker,
    which keeps `heartbeat_at` fresh) → succeeded, failed or cancelled; a running task whose worker went quiet is
    failed by the reaper. A subclass may relabel `Status` (and override `status` with its choices) but keeps its
    values, so the lifecycle reads every kind the same way.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    worker_hostname = models.CharField(max_length=255, blank=True, help_text="The worker that took it.")
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last sign of life from its worker.")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta(TeamOwned.Meta):
        abstract = True

    @property
    def is_active(self) -> bool:
        """Queued or running: it may still change."""
        return self.status in self.ACTIVE


class Ping(TeamOwned):
    """A round trip through the whole system: queued by the web app, answered by a worker, pushed live.

    It is also the smallest example of a team-owned object that a task updates and streams.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a worker"
        COMPLETED = "completed", "Answered"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    worker_hostname = models.CharField(max_length=255, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"Ping {self.pk} ({self.status})"

    @property
    def round_trip_ms(self) -> int | None:
        """Milliseconds from queueing to the worker's answer."""
        if self.completed_at is None or self.created_at is None:
            return None
        return round((self.completed_at - self.created_at).total_seconds() * 1000)


@dataclass(frozen=True)
class WorkerHeartbeat:
    """What a live worker says about itself; stored in Redis under a key that expires unless refreshed."""

    hostname: str
    queues: list[str]
    gpus: list[str]
    pid: int
    started_at: float
    seen_at: float

    @property
    def has_gpu(self) -> bool:
        """Whether the worker's machine has at least one GPU."""
        return bool(self.gpus)

    @property
    def key(self) -> str:
        """Its Redis key."""
        return WORKER_KEY_PREFIX + self.hostname

    def to_json(self) -> str:
        """The stored form."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str | bytes) -> "WorkerHeartbeat":
        """Read a stored heartbeat back."""
        return cls(**json.loads(raw))
