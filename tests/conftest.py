"""Fixtures shared by every test package: the actors, workers in the registry, and (from
tests/stack.py) the live services.

alice owns team "Affect Lab", bob is her teammate, charlie owns "Outsiders" and must never see their data.
kdcore tests use none of this: nothing here touches the database unless a test asks for an actor.
"""

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import MembershipFactory, TeamFactory, UserFactory, WorkerHeartbeatFactory
from webapp.accounts.models import Membership, Team, User
from webapp.system import services as system_services
from webapp.system.models import WorkerHeartbeat

pytest_plugins = ["tests.stack", "tests.own_redis"]


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
