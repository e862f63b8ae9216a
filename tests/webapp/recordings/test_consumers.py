"""`/ws/analyses/<id>/` and `/ws/recordings/<id>/`: live rows reach the recording's team, and nobody else."""

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from webapp import events
from webapp.accounts.models import Team, User
from webapp.consumers import CLOSE_FORBIDDEN
from webapp.recordings.models import Analysis, Recording
from webapp.routing import websocket_urlpatterns

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_channel_layer")]


@pytest.fixture
def held_queue() -> None:
    """Here events are really published (through the in-memory layer)."""


def _communicator(path: str, user: User) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    return communicator


@database_sync_to_async
def _analysis(team: Team) -> Analysis:
    recording = Recording.objects.create(team=team, name="Session", original_name="s.mp4", size_bytes=1)
    return Analysis.objects.create(team=team, recording=recording, model_label="B")


async def test_it_streams_an_analysiss_rows_to_its_team(bob: User, team: Team) -> None:
    analysis = await _analysis(team)
    communicator = _communicator(f"/ws/analyses/{analysis.pk}/", bob)
    assert (await communicator.connect())[0]
    rows = [[0, 0.0, 1, 0.5, 0.1, 0.0, 0.0, 0.8, 0.0, 0.1, 0.0]]
    await sync_to_async(events.publish_analysis_frames)(analysis_id=analysis.pk, data={"rows": rows})
    assert await communicator.receive_json_from(timeout=5) == {"event": "analysis.frames", "data": {"rows": rows}}
    await communicator.disconnect()


async def test_it_turns_another_team_away_from_analyses_and_recordings(charlie: User, team: Team) -> None:
    analysis = await _analysis(team)
    assert await _communicator(f"/ws/analyses/{analysis.pk}/", charlie).connect() == (False, CLOSE_FORBIDDEN)
    path = f"/ws/recordings/{analysis.recording_id}/"
    assert await _communicator(path, charlie).connect() == (False, CLOSE_FORBIDDEN)
