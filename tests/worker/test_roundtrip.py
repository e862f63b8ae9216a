"""End to end through real processes: queue → Celery worker → database → Channels (Redis) → WebSocket."""

import json
import time
import urllib.request

import pytest
from django.test import Client
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from tests.factories import PingFactory
from tests.stack import LiveStudio
from webapp import events, jobs
from webapp.accounts.models import Team, User
from webapp.system.models import Ping

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

IDLE_SECONDS = 20  # four of channels-redis's 5 s blocking reads


def _websocket(studio: LiveStudio, user: User, path: str) -> ClientConnection:
    """A real WebSocket to the live server, signed in as `user` through a session cookie."""
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    ws_url = studio.url.replace("http://", "ws://") + path
    return connect(ws_url, origin=studio.url, additional_headers={"Cookie": cookie}, open_timeout=10)


def test_it_runs_a_ping_on_a_real_worker_and_pushes_the_answer_live(
    live_studio: LiveStudio, alice: User, team: Team
) -> None:
    ping = PingFactory(team=team, created_by=alice)
    with _websocket(live_studio, alice, f"/ws/pings/{ping.pk}/") as websocket:
        jobs.enqueue_ping(ping_id=ping.pk)
        message = json.loads(websocket.recv(timeout=30))
    assert message["event"] == "ping.completed"
    assert message["data"]["id"] == ping.pk
    assert message["data"]["worker_hostname"] == live_studio.worker_hostname
    ping.refresh_from_db()
    assert ping.status == Ping.Status.COMPLETED
    assert ping.worker_hostname == live_studio.worker_hostname


def test_it_refuses_the_live_feed_to_another_team(live_studio: LiveStudio, charlie: User, team: Team) -> None:
    ping = PingFactory(team=team)
    with pytest.raises(InvalidStatus) as refused:
        _websocket(live_studio, charlie, f"/ws/pings/{ping.pk}/")
    assert refused.value.response.status_code == 403


def test_it_lists_the_real_worker_in_healthz(live_studio: LiveStudio, alice: User) -> None:
    with urllib.request.urlopen(live_studio.url + "/healthz", timeout=10) as response:
        assert json.load(response) == {"ok": True}  # the public answer; members see the details
    client = Client()
    client.force_login(alice)
    signed_in = urllib.request.Request(
        live_studio.url + "/healthz", headers={"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    )
    with urllib.request.urlopen(signed_in, timeout=10) as response:
        body = json.load(response)
    assert body["ok"] is True
    hostnames = [worker["hostname"] for worker in body["workers"]["items"]]
    assert live_studio.worker_hostname in hostnames
    assert body["database"]["ok"]
    assert body["redis"]["ok"]


def test_an_idle_live_feed_stays_open_and_still_delivers(live_studio: LiveStudio, alice: User, team: Team) -> None:
    # channels-redis waits for messages with a 5 s blocking read; a socket timeout shorter than that wait once closed
    # every idle feed about every 5 s with a TimeoutError (settings.CHANNEL_LAYER_SOCKET_TIMEOUT is 30 s now).
    ping = PingFactory(team=team, created_by=alice)
    with _websocket(live_studio, alice, f"/ws/pings/{ping.pk}/") as websocket:
        started = time.monotonic()
        with pytest.raises(TimeoutError):  # nothing comes in 20 s, and nothing closes the feed either
            websocket.recv(timeout=IDLE_SECONDS)
        assert time.monotonic() - started >= IDLE_SECONDS
        events.publish_ping_completed(ping_id=ping.pk, data={"id": ping.pk, "status": "completed"})
        message = json.loads(websocket.recv(timeout=10))
    assert message == {"event": "ping.completed", "data": {"id": ping.pk, "status": "completed"}}
