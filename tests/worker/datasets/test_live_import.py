"""End to end through real processes: upload → queue → Celery worker → database → WebSocket progress."""

import json
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from pytest_django.fixtures import Settings
from websockets.sync.client import ClientConnection, connect

from tests.dataset_files import emotion_zip, face_png, uploaded, zip_bytes
from tests.stack import LiveStudio
from webapp import jobs
from webapp.accounts.models import User
from webapp.datasets.models import DatasetImport

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _websocket(studio: LiveStudio, user: User, path: str) -> ClientConnection:
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    url = studio.url.replace("http://", "ws://") + path
    return connect(url, origin=studio.url, additional_headers={"Cookie": cookie}, open_timeout=10)


def _upload_then_follow(studio: LiveStudio, alice: User, name: str, data: bytes) -> list[dict[str, Any]]:
    """Upload through the API (queueing held back), subscribe to the import's feed, queue it, collect events."""
    client = Client()
    client.force_login(alice)
    with mock.patch("webapp.jobs.enqueue_dataset_import"):
        response = client.post("/api/datasets/upload/", {"name": name, "file": uploaded(name, data)})
    assert response.status_code == 201, response.content
    import_id = response.json()["id"]
    received: list[dict[str, Any]] = []
    with _websocket(studio, alice, f"/ws/dataset-imports/{import_id}/") as websocket:
        jobs.enqueue_dataset_import(import_id=import_id)
        while not received or received[-1]["data"]["status"] in ("queued", "running"):
            received.append(json.loads(websocket.recv(timeout=60)))
    return received


@pytest.fixture
def live_media(settings: Settings, live_studio: LiveStudio) -> LiveStudio:
    """Uploads stored by this process land where the live worker reads them."""
    settings.MEDIA_ROOT = live_studio.log_path.parent / "media"
    return live_studio


def test_it_imports_an_upload_on_a_real_worker_and_streams_progress(live_media: LiveStudio, alice: User) -> None:
    events = _upload_then_follow(live_media, alice, "faces.zip", emotion_zip())
    assert {event["event"] for event in events} == {"dataset_import.updated"}
    assert [event["data"]["status"] for event in events][:1] == ["running"]
    final = events[-1]["data"]
    assert (final["status"], final["version_number"], final["progress"]) == ("succeeded", 1, 1.0)
    dataset_import = DatasetImport.objects.select_related("version").get(pk=final["id"])
    assert dataset_import.version is not None
    assert dataset_import.version.item_count == 6


def test_it_fails_a_bad_upload_on_a_real_worker_with_the_reason(live_media: LiveStudio, alice: User) -> None:
    data = zip_bytes({"train/bored/a.png": face_png(1)})
    final = _upload_then_follow(live_media, alice, "bored.zip", data)[-1]["data"]
    assert final["status"] == "failed"
    assert "unknown emotion folders: 'bored'" in final["errors"][0]
