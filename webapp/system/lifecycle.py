"""The one lifecycle of work a worker runs: claim, heartbeat, finish or fail, and reap the stale.

Every kind of `WorkerTask` (training jobs, dataset imports, recording analyses, label scoring) subclasses
`Lifecycle`, naming its model, how a change is published and how a failure reads; it never copies these steps.
Every write is conditional on the task still being active, so a worker that lost its task (cancelled, or failed by
the reaper after its host went quiet) cannot bring it back to life.

The reaper runs on the web side (`manage.py reap`, beside `./studio up`), because the worker that should report
the problem is the one that died. Lifecycles register themselves (`register`) so that one loop reaps every kind.
"""

import logging
from datetime import datetime, timedelta
from typing import Any, ClassVar, Generic, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from webapp.system import selectors
from webapp.system.models import WorkerTask

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=WorkerTask)


class _Unread:
    """The worker registry has not been read yet (None already means "Redis could not be read")."""


_UNREAD = _Unread()


class Lifecycle(Generic[T]):
    """Status changes of one kind of worker task. Subclasses set `model` and `noun`, and override the hooks."""

    model: type[T]
    noun: ClassVar[str] = "task"  # how logs and the reap command name one ("job", "import", …)

    # --- hooks ------------------------------------------------------------------------------------
    def publish(self, task: T) -> None:
        """Tell the task's watchers about its new state; called inside the transaction that changed it."""

    def fail_fields(self, task: T, message: str) -> dict[str, Any]:
        """The fields a failure with `message` sets, besides status and finished_at."""
        raise NotImplementedError

    def stale_message(self, task: T) -> str:
        """Why the reaper failed `task`, in words a user can act on."""
        return (
            f"Worker {task.worker_hostname or '(unknown)'} stopped responding, so this {self.noun} was stopped. "
            "Retry it to run it again."
        )

    # --- steps ------------------------------------------------------------------------------------
    def locked(self, pk: int) -> T:
        """The task's row, locked until the commit (only it: rows it joins stay free for other writers)."""
        return self.model.objects.select_for_update(of=("self",)).get(pk=pk)

    def _present(self, pk: int) -> T | None:
        """The locked row, or None when it was deleted meanwhile (a deleted task has ended, for its worker)."""
        return self.model.objects.select_for_update(of=("self",)).filter(pk=pk).first()

    @transaction.atomic
    def claim(self, pk: int, *, hostname: str, **fields: Any) -> T | None:
        """Mark a queued task running on worker `hostname`; None when it was cancelled, claimed or ended meanwhile
        (a redelivered task message must not run it twice)."""
        task = self._present(pk)
        if task is None or task.status != WorkerTask.Status.QUEUED:
            return None
        now = timezone.now()
        task.status, task.started_at, task.heartbeat_at = WorkerTask.Status.RUNNING, now, now
        task.worker_hostname = hostname[:255]
        return self._save(task, fields)

    def heartbeat(self, pk: int, **fields: Any) -> bool:
        """Say the task is alive (and set `fields`); False when it is no longer running. One UPDATE."""
        updates = {"heartbeat_at": timezone.now(), **fields}
        return self.model.objects.filter(pk=pk, status=WorkerTask.Status.RUNNING).update(**updates) > 0

    @transaction.atomic
    def finish(self, pk: int, status: str, **fields: Any) -> T | None:
        """Move an active task to a final `status`; None (and no change) when it had already ended."""
        task = self._present(pk)
        if task is None or not task.is_active:
            return None
        task.status, task.finished_at = status, timezone.now()
        return self._save(task, fields)

    @transaction.atomic
    def fail(self, pk: int, message: str, *, only_if_running: bool = False, **fields: Any) -> T | None:
        """End a task that cannot finish, with the reason (and `fields`, e.g. whether a retry could help);
        `only_if_running` leaves queued tasks alone."""
        task = self._present(pk)
        if task is None or not task.is_active or (only_if_running and task.status != WorkerTask.Status.RUNNING):
            return None
        task.status, task.finished_at = WorkerTask.Status.FAILED, timezone.now()
        return self._save(task, {**self.fail_fields(task, message), **fields})

    def reap_stale(self, *, now: datetime | None = None, live: set[str] | _Unread | None = _UNREAD) -> list[int]:
        """Fail every running task whose worker stopped responding; returns their ids.

        Stale means: its heartbeat is older than `TASK_STALE_SECONDS`, or its worker left the registry `live`
        (read from Redis when not given; None when Redis cannot be read, and then only heartbeats count).
        """
        running = list(self.model.objects.filter(status=WorkerTask.Status.RUNNING))
        if not running:
            return []
        now = now or timezone.now()
        if isinstance(live, _Unread):
            live = selectors.worker_hostnames_live()
        reaped = []
        for task in running:
            if self.is_stale(task, live=live, now=now) and self.fail(
                task.pk, self.stale_message(task), only_if_running=True
            ):
                logger.warning("%s #%s failed: worker %s stopped responding", self.noun, task.pk, task.worker_hostname)
                reaped.append(task.pk)
        return reaped

    @staticmethod
    def is_stale(task: WorkerTask, *, live: set[str] | None, now: datetime) -> bool:
        """Its heartbeat is too old, or its worker left the registry."""
        patience = timedelta(seconds=settings.TASK_STALE_SECONDS)
        if task.heartbeat_at is None or task.heartbeat_at < now - patience:
            return True
        return selectors.worker_left(hostname=task.worker_hostname, started_at=task.started_at, live=live, now=now)

    def _save(self, task: T, fields: dict[str, Any]) -> T:
        for name, value in fields.items():
            setattr(task, name, value)
        task.full_clean()
        task.save()
        self.publish(task)
        return task


_REGISTRY: list[Lifecycle[Any]] = []


def register(lifecycle: Lifecycle[T]) -> Lifecycle[T]:
    """Add a kind of task to the reaper's rounds; returns it, so a module can register where it defines."""
    if all(type(known) is not type(lifecycle) for known in _REGISTRY):
        _REGISTRY.append(lifecycle)
    return lifecycle


def registered() -> list[Lifecycle[Any]]:
    """Every registered lifecycle, in registration order."""
    return list(_REGISTRY)


def reap_all(*, now: datetime | None = None) -> list[tuple[str, int]]:
    """One reaper pass over every kind: (noun, id) of each task failed. Redis is read once for all kinds."""
    now, live = now or timezone.now(), selectors.worker_hostnames_live()
    return [(lifecycle.noun, pk) for lifecycle in _REGISTRY for pk in lifecycle.reap_stale(now=now, live=live)]
