"""`/ws/runs/<id>/`: a job's events reach its team, and nobody else."""

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from tests.run_factories import RunFactory
from webapp import events
from webapp.accounts.models import Team, User
from webapp.consumers import CLOSE_FORBIDDEN
from webapp.routing import websocket_urlpatterns

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_channel_layer")]


def _communicator(path: str, user: User) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    return communicator


async def test_it_streams_a_jobs_events_to_its_team(bob: User, team: Team) -> None:
    run = await database_sync_to_async(RunFactory)(team=team)
    communicator = _communicator(f"/ws/runs/{run.pk}/", bob)
    assert (await communicator.connect())[0]
    await sync_to_async(events.publish_run_epoch)(run_id=run.pk, data={"epoch": 1})
    assert await communicator.receive_json_from(timeout=5) == {"event": "run.epoch", "data": {"epoch": 1}}
    await communicator.disconnect()


async def test_it_turns_away_another_team(charlie: User, team: Team) -> None:
    run = await database_sync_to_async(RunFactory)(team=team)
    assert await _communicator(f"/ws/runs/{run.pk}/", charlie).connect() == (False, CLOSE_FORBIDDEN)
