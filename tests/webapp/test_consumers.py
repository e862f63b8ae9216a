"""The live-update consumer pattern: anonymous and outsiders are turned away, members get events."""

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from tests.factories import PingFactory
from webapp import events
from webapp.accounts.models import Team, User
from webapp.consumers import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED
from webapp.routing import websocket_urlpatterns
from webapp.system.models import Ping

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_channel_layer")]


def _communicator(path: str, user: Any) -> WebsocketCommunicator:
    """A WebSocket client whose scope carries `user`, as AuthMiddlewareStack would set it."""
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    return communicator


async def _ping(team: Team) -> Ping:
    return await sync_to_async(PingFactory)(team=team)


async def test_it_turns_away_an_anonymous_visitor(team: Team) -> None:
    ping = await _ping(team)
    connected, code = await _communicator(f"/ws/pings/{ping.pk}/", AnonymousUser()).connect()
    assert (connected, code) == (False, CLOSE_UNAUTHENTICATED)


async def test_it_turns_away_another_teams_member(charlie: User, team: Team) -> None:
    ping = await _ping(team)
    connected, code = await _communicator(f"/ws/pings/{ping.pk}/", charlie).connect()
    assert (connected, code) == (False, CLOSE_FORBIDDEN)


async def test_it_turns_away_a_missing_object(alice: User) -> None:
    connected, code = await _communicator("/ws/pings/999999/", alice).connect()
    assert (connected, code) == (False, CLOSE_FORBIDDEN)


async def test_it_forwards_published_events_to_team_members(bob: User, team: Team) -> None:
    ping = await _ping(team)
    communicator = _communicator(f"/ws/pings/{ping.pk}/", bob)
    connected, _ = await communicator.connect()
    assert connected
    await sync_to_async(events.publish_ping_completed)(ping_id=ping.pk, data={"id": ping.pk})
    assert await communicator.receive_json_from(timeout=5) == {"event": "ping.completed", "data": {"id": ping.pk}}
    await communicator.disconnect()
