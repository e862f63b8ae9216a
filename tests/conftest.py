"""Fixtures shared by every test package: the actors, workers in the registry, and (from
tests/stack.py) the live services.

alice owns team "Affect Lab", bob is her teammate, charlie owns "Outsiders" and must never see their data.
kdcore tests use none of this: nothing here touches the database unless a test asks for an actor.
"""

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management.base import CommandError
from django.test import Client, TransactionTestCase
from rest_framework.test import APIClient

from tests.factories import MembershipFactory, TeamFactory, UserFactory, WorkerHeartbeatFactory
from webapp.accounts.models import Membership, Team, User
from webapp.system import services as system_services
from webapp.system.models import WorkerHeartbeat

pytest_plugins = ["tests.stack", "tests.own_redis"]

FLUSH_ATTEMPTS = 5


def _deadlocked(error: CommandError) -> bool:
    return "deadlock detected" in str(error.__cause__ or "")


def retry_after_a_deadlock(flush: Callable[[], None], *, attempts: int = FLUSH_ATTEMPTS) -> None:
    """Run `flush`, again (a little later) each time it fails on a deadlock, at most `attempts` times in all."""
    for attempt in range(1, attempts + 1):
        try:
            flush()
            return
        except CommandError as error:
            if attempt == attempts or not _deadlocked(error):
                raise
            time.sleep(0.2 * attempt)


@pytest.fixture(autouse=True, scope="session")
def _flush_survives_a_deadlock() -> Iterator[None]:
    """A transactional test ends by flushing every table (one TRUNCATE), while a live worker may still be finishing
    the test's work: a latency measurement queued when its job succeeded, say, reading the job's owner in a
    transaction that holds the job's row. The two can deadlock (seen on a loaded machine); PostgreSQL then aborts
    one of them. When it aborts the flush, the flush (rolled back whole) runs again once the other has committed."""
    flush = TransactionTestCase._fixture_teardown
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            TransactionTestCase, "_fixture_teardown", lambda self: retry_after_a_deadlock(lambda: flush(self))
        )
        yield


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    """Sign-in throttles count in the cache (each process's memory): every test starts with none spent."""
    cache.clear()


@pytest.fixture
def team(db: None) -> Team:
    return TeamFactory(name="Affect Lab")


@pytest.fixture
def other_team(db: None) -> Team:
    return TeamFactory(name="Outsiders")


@pytest.fixture
def alice(team: Team) -> User:
    user = UserFactory(email="alice@example.com")
    MembershipFactory(user=user, team=team, role=Membership.Role.OWNER)
    return user


@pytest.fixture
def bob(team: Team) -> User:
    user = UserFactory(email="bob@example.com")
    MembershipFactory(user=user, team=team)
    return user


@pytest.fixture
def charlie(other_team: Team) -> User:
    user = UserFactory(email="charlie@example.com")
    MembershipFactory(user=user, team=other_team, role=Membership.Role.OWNER)
    return user


def _logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice: User) -> Client:
    return _logged_in(alice)


@pytest.fixture
def bob_client(bob: User) -> Client:
    return _logged_in(bob)


@pytest.fixture
def charlie_client(charlie: User) -> Client:
    return _logged_in(charlie)


@pytest.fixture
def alice_api(alice: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(alice)
    return client


@pytest.fixture
def charlie_api(charlie: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(charlie)
    return client


@pytest.fixture
def gpu_worker(redis: Any) -> WorkerHeartbeat:
    heartbeat = WorkerHeartbeatFactory(hostname="gpu@box", gpus=["NVIDIA H100"])
    system_services.worker_heartbeat_record(heartbeat=heartbeat)
    return heartbeat


@pytest.fixture
def cpu_worker(redis: Any) -> WorkerHeartbeat:
    heartbeat = WorkerHeartbeatFactory(hostname="cpu@laptop", gpus=[])
    system_services.worker_heartbeat_record(heartbeat=heartbeat)
    return heartbeat
