"""The two seams: task names routed by settings, and events published to one object's group."""

from typing import Any
from unittest import mock

import pytest
from django.conf import settings

from tests.factories import PingFactory
from webapp import events, jobs
from webapp.accounts.models import Team
from webapp.system import services
from webapp.system.models import Ping
from webapp.system.serializers import ping_payload


@pytest.mark.parametrize("name", jobs.TASK_NAMES)
def test_it_routes_every_task_to_a_studio_queue(name: str) -> None:
    assert settings.CELERY_TASK_ROUTES[name]["queue"] in {"gpu", "cpu"}


def test_it_sends_a_ping_by_name_to_the_cpu_queue() -> None:
    with mock.patch.object(jobs._client(), "send_task") as send_task:
        jobs.enqueue_ping(ping_id=7)
    send_task.assert_called_once_with(jobs.PING, kwargs={"ping_id": 7})


def test_it_names_one_group_per_object() -> None:
    assert events.group_name(events.PINGS, 7) == "pings.7"


def test_it_completes_a_ping_and_publishes_after_commit(team: Team, django_capture_on_commit_callbacks: Any) -> None:
    ping = PingFactory(team=team)
    with (
        mock.patch("webapp.events.publish_ping_completed") as publish,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.ping_complete(ping_id=ping.pk, hostname="w@box")
    ping.refresh_from_db()
    assert ping.status == Ping.Status.COMPLETED
    assert ping.worker_hostname == "w@box"
    assert ping.round_trip_ms is not None
    assert ping.round_trip_ms >= 0
    publish.assert_called_once_with(ping_id=ping.pk, data=ping_payload(ping))
