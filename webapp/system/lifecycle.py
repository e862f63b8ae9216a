"""The one lifecycle of work a worker runs: claim, heartbeat, finish or fail, and reap the stale.

Every kind of `WorkerTask` (training jobs, dataset imports, recording analyses, label scoring) subclasses
`Lifecycle`, naming its model, how a change is published and how a failure reads; it never copies these steps.
Every write is conditional on the task still being active, so a worker that lost its task (cancelled, or failed by
the reaper after its host went quiet) cannot bring it back to life.

The reaper runs on the web side (`manage.py reap`, beside `./studio up`), because the worker that should report
the problem is the one that died. Lifecycles register themselves (`register`) so that one loop reaps every kind.
It also sends again a queued task whose message the broker lost (a Redis restarted without it, a send refused
during an outage, a worker that died holding it): the claim makes any duplicate message a no-op.
"""

import logging
from datetime import datetime, timedelta
from typing import Any, ClassVar, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from webapp import jobs
from webapp.system import selectors
from webapp.system.models import WorkerTask

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=WorkerTask)

# Why a running task's worker should stop (`Lifecycle.stop_reason`); "" means carry on.
STOP_CANCELLED = "cancelled on request"
STOP_GONE = "no longer running on this worker"


class _Unread:
    """The worker registry has not been read yet (None already means "Redis could not be read")."""


_UNREAD = _Unread()


class Lifecycle(Generic[T]):
    """Status changes of one kind of worker task. Subclasses set `model` and `noun`, and override the hooks."""

    model: type[T]
    noun: ClassVar[str] = "task"  # how logs and the reap command name one ("job", "import", …)
    task_name: ClassVar[str] = ""  # the Celery task that runs one (`webapp.jobs`); "" when the reaper never re-sends

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

    def send(self, task: T) -> None:
        """Send the task's message to the workers (again), as its service first did."""
        raise NotImplementedError

    def sendable(self, task: T) -> bool:
        """Whether a queued task should have a message by now (an analysis waits for its recording's probe)."""
        return True

    # --- steps ------------------------------------------------------------------------------------
    # Rows go through `_default_manager`, Django's handle for generic code: the same `objects`, but typed for any T.
    def locked(self, pk: int) -> T:
        """The task's row, locked until the commit (only it: rows it joins stay free for other writers)."""
        return self.model._default_manager.select_for_update(of=("self",)).get(pk=pk)

    def _present(self, pk: int) -> T | None:
        """The locked row, or None when it was deleted meanwhile (a deleted task has ended, for its worker)."""
        return self.model._default_manager.select_for_update(of=("self",)).filter(pk=pk).first()

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
        return self.model._default_manager.filter(pk=pk, status=WorkerTask.Status.RUNNING).update(**updates) > 0

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

        Stale means: its heartbeat is older than `TASK_STALE_SECONDS`, or it missed a beat and its worker left the
        registry `live` (read from Redis when not given; None when Redis cannot be read, and then only heartbeats
        count).
        """
        running = list(self.model._default_manager.filter(status=WorkerTask.Status.RUNNING))
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

    # --- cancelling: for kinds with `cancel_requested_at`, `cancelled_by` and `status_message` -----------------
    @transaction.atomic
    def cancel(self, pk: int, *, user: Any) -> T:
        """Cancel a task: a queued one at once; a running one is asked to stop, and its worker does so within
        seconds (it polls `stop_reason`). A queued task's message may still sit in the broker: claiming it fails."""
        task: Any = self.locked(pk)
        if not task.is_active:
            said = task.get_status_display().lower()
            raise ValidationError(f"{self.noun.capitalize()} #{task.pk} already {said}: nothing to cancel.")
        now = timezone.now()
        task.cancel_requested_at, task.cancelled_by = task.cancel_requested_at or now, user
        if task.status == WorkerTask.Status.QUEUED:
            task.status, task.finished_at = WorkerTask.Status.CANCELLED, now
            task.status_message = f"Cancelled by {user} before it started."
        return self._save(task, {})

    def stop_reason(self, pk: int) -> str:
        """Why a running task's worker should stop now: `STOP_CANCELLED`, `STOP_GONE` (deleted, ended or reaped),
        or "" to carry on. One small query: workers poll it about once a second."""
        row = self.model._default_manager.filter(pk=pk).values_list("status", "cancel_requested_at").first()
        if row is None or row[0] != WorkerTask.Status.RUNNING:
            return STOP_GONE
        return STOP_CANCELLED if row[1] is not None else ""

    def cancelled(self, pk: int, *, progress: str = "") -> T | None:
        """End a task its worker stopped because someone asked: "Cancelled by <who> <progress>."."""
        task: Any = self.model._default_manager.select_related("cancelled_by").filter(pk=pk).first()
        if task is None:
            return None
        who = f" by {task.cancelled_by}" if task.cancelled_by else ""
        message = f"Cancelled{who}{f' {progress}' if progress else ''}."
        return self.finish(pk, WorkerTask.Status.CANCELLED, status_message=message)

    def resend_lost(self, *, pending: set[tuple[str, int]], now: datetime, after: float) -> list[int]:
        """Send again every task queued for over `after` seconds whose message is not `pending` in the broker
        (`jobs.messages_pending`); returns their ids."""
        cutoff = now - timedelta(seconds=after)
        queued = self.model._default_manager.filter(status=WorkerTask.Status.QUEUED, created_at__lt=cutoff).order_by(
            "pk"
        )
        lost = [task for task in queued if (self.task_name, task.pk) not in pending and self.sendable(task)]
        for task in lost:
            logger.warning("%s #%s is queued but its message is lost: sending it again", self.noun, task.pk)
            self.send(task)
        return [task.pk for task in lost]

    @staticmethod
    def is_stale(task: WorkerTask, *, live: set[str] | None, now: datetime) -> bool:
        """Its heartbeat is too old, or it missed a beat and its worker left the registry.

        The registry (in Redis) only hastens the verdict on a task that has gone quiet: a task still beating in the
        database is alive whatever Redis says, and Redis forgets every worker when it restarts or stays frozen.
        """
        patience = timedelta(seconds=settings.TASK_STALE_SECONDS)
        if task.heartbeat_at is None or task.heartbeat_at < now - patience:
            return True
        if task.heartbeat_at > now - timedelta(seconds=2 * settings.TASK_HEARTBEAT_SECONDS):
            return False
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


def resend_all(*, now: datetime | None = None, after: float | None = None) -> list[tuple[str, int]]:
    """One pass over every kind: (noun, id) of each queued task sent again because its message was lost. The broker
    is read once for all kinds; when it cannot be read, nothing is sent. `after`: TASK_RESEND_SECONDS unless given.
    """
    after = settings.TASK_RESEND_SECONDS if after is None else after
    pending = jobs.messages_pending(delivered_within=after)
    if pending is None:
        return []
    now = now or timezone.now()
    kinds = [lifecycle for lifecycle in _REGISTRY if lifecycle.task_name]
    return [
        (lifecycle.noun, pk)
        for lifecycle in kinds
        for pk in lifecycle.resend_lost(pending=pending, now=now, after=after)
    ]
