"""Writes of the system app: pings and worker heartbeats."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from webapp import events, jobs
from webapp.accounts.models import Team, User
from webapp.redis_client import redis_client
from webapp.system.models import WORKER_KEY_PREFIX, Ping, WorkerHeartbeat
from webapp.system.serializers import ping_payload


@transaction.atomic
def ping_create(*, team: Team, user: User) -> Ping:
    """A pending ping, queued for a worker once the row is committed (so the worker can read it)."""
    ping = Ping(team=team, created_by=user)
    ping.full_clean()
    ping.save()
    transaction.on_commit(lambda: jobs.enqueue_ping(ping_id=ping.pk))
    return ping


@transaction.atomic
def ping_complete(*, ping_id: int, hostname: str) -> Ping:
    """Record a worker's answer and tell everyone watching the ping, after the commit."""
    ping = Ping.objects.select_for_update().get(pk=ping_id)
    ping.status = Ping.Status.COMPLETED
    ping.worker_hostname = hostname
    ping.completed_at = timezone.now()
    ping.full_clean()
    ping.save()
    payload = ping_payload(ping)
    transaction.on_commit(lambda: events.publish_ping_completed(ping_id=ping.pk, data=payload))
    return ping


def worker_heartbeat_record(*, heartbeat: WorkerHeartbeat) -> None:
    """Say "this worker is alive" for a few heartbeat periods; a dead worker's key simply expires."""
    redis_client().set(heartbeat.key, heartbeat.to_json(), ex=settings.WORKER_HEARTBEAT_TTL_SECONDS)


def worker_heartbeat_clear(*, hostname: str) -> None:
    """Forget a worker that shuts down cleanly, at once rather than when its key expires."""
    redis_client().delete(WORKER_KEY_PREFIX + hostname)
