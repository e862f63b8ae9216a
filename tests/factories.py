"""factory_boy factories for the web app's models; tests build data through these, never by hand."""

import time

import factory
from factory.django import DjangoModelFactory, Password

from webapp.accounts.models import Membership, Team, User
from webapp.system.models import Ping, WorkerHeartbeat

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = Password(PASSWORD)


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Membership.Role.MEMBER


class PingFactory(DjangoModelFactory):
    class Meta:
        model = Ping

    team = factory.SubFactory(TeamFactory)


class WorkerHeartbeatFactory(factory.Factory):
    """A worker's heartbeat as `worker.heartbeat` would record it (build, then record through the service)."""

    class Meta:
        model = WorkerHeartbeat

    hostname = factory.Sequence(lambda n: f"worker{n}@gpu-box")
    queues = factory.LazyFunction(lambda: ["cpu", "gpu"])
    gpus = factory.LazyFunction(list)
    pid = 4242
    started_at = factory.LazyFunction(time.time)
    seen_at = factory.LazyFunction(time.time)
