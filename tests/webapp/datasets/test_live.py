"""The import's live feed (members only) and the ASGI guard that refuses oversized bodies before reading them."""

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from tests.dataset_factories import DatasetFactory
from tests.dataset_files import emotion_zip, uploaded
from webapp import events
from webapp.accounts.models import Team, User
from webapp.consumers import CLOSE_FORBIDDEN
from webapp.datasets import services
from webapp.datasets.models import DatasetImport
from webapp.routing import websocket_urlpatterns
from webapp.system.uploads import RequestSizeLimit


def _communicator(path: str, user: Any) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    return communicator


def _import(team: Team) -> DatasetImport:
    dataset = DatasetFactory(team=team)
    return services.dataset_import_create(
        dataset=dataset, user=None, upload=uploaded("a.zip", emotion_zip()), enqueue=False
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("in_memory_channel_layer", "media_root")
class TestImportFeed:
    async def test_it_turns_away_another_teams_member(self, charlie: User, team: Team) -> None:
        dataset_import = await sync_to_async(_import)(team)
        connected, code = await _communicator(f"/ws/dataset-imports/{dataset_import.pk}/", charlie).connect()
        assert (connected, code) == (False, CLOSE_FORBIDDEN)

    async def test_it_forwards_progress_to_team_members(self, bob: User, team: Team) -> None:
        dataset_import = await sync_to_async(_import)(team)
        communicator = _communicator(f"/ws/dataset-imports/{dataset_import.pk}/", bob)
        assert (await communicator.connect())[0]
        await sync_to_async(services.dataset_import_progress)(import_id=dataset_import.pk, progress=0.5, message="Half")
        message = await communicator.receive_json_from(timeout=5)
        assert message["event"] == events.DATASET_IMPORT_UPDATED
        assert (message["data"]["id"], message["data"]["progress"], message["data"]["message"]) == (
            dataset_import.pk,
            0.5,
            "Half",
        )
        await communicator.disconnect()


async def _call(app: RequestSizeLimit, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    messages = [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for index, chunk in enumerate(chunks)
    ]

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app({"type": "http", "headers": headers}, receive, send)
    return sent


async def _reading_app(scope: Any, receive: Any, send: Any) -> None:
    """Reads the whole body like Django's ASGI handler, and answers 200 unless the body was cut off."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


@override_settings(STUDIO_MAX_UPLOAD_MB=1)
async def test_it_refuses_a_declared_oversized_body_before_reading_it() -> None:
    sent = await _call(RequestSizeLimit(_reading_app), [(b"content-length", str(5 * 1024 * 1024).encode())], [b"x"])
    assert sent[0]["status"] == 413
    assert "the limit is 1 MB" in json.loads(sent[1]["body"])["detail"]


@override_settings(STUDIO_MAX_UPLOAD_MB=1)
async def test_it_cuts_off_a_chunked_body_at_the_limit() -> None:
    sent = await _call(RequestSizeLimit(_reading_app), [], [b"x" * 1024 * 1024] * 3)
    assert [message.get("status") for message in sent if message["type"] == "http.response.start"] == [413]
    assert "The upload is at least 3.0 MB" in json.loads(sent[-1]["body"])["detail"]


@override_settings(STUDIO_MAX_UPLOAD_MB=1)
async def test_it_lets_small_requests_through() -> None:
    sent = await _call(RequestSizeLimit(_reading_app), [(b"content-length", b"3")], [b"abc"])
    assert sent[0]["status"] == 200
