"""End to end through real processes: chunked upload → Celery worker (prepare, analyse) → WebSocket rows."""

import json
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings
from websockets.sync.client import ClientConnection, connect

from tests.live_jobs import use_live_media
from tests.recording_files import clip
from tests.stack import LiveStudio, wait_until
from webapp.accounts.models import User
from webapp.recordings.models import Analysis, Recording

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def held_queue() -> None:
    """Here the real worker takes the tasks."""


def _websocket(studio: LiveStudio, client: Client, path: str) -> ClientConnection:
    url = studio.url.replace("http://", "ws://") + path
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    return connect(url, origin=studio.url, additional_headers={"Cookie": cookie}, open_timeout=10)


def _upload(client: Client, data: bytes) -> dict[str, Any]:
    started = client.post(
        "/api/recordings/uploads/", {"original_name": "single_face.mp4", "size_bytes": len(data), "name": "Live"},
        content_type="application/json",
    ).json()  # fmt: skip
    half = len(data) // 2
    for offset, piece in ((0, data[:half]), (half, data[half:])):
        response = client.put(
            f"/api/recordings/uploads/{started['id']}/chunk/", data=piece,
            content_type="application/offset+octet-stream", HTTP_UPLOAD_OFFSET=str(offset),
        )  # fmt: skip
        assert response.status_code == 200, response.content
    return response.json()


def test_it_analyses_an_uploaded_clip_on_a_real_worker_and_streams_its_rows(
    live_studio: LiveStudio, alice: User, settings: Settings
) -> None:
    use_live_media(settings, live_studio)
    client = Client()
    client.force_login(alice)
    upload = _upload(client, clip("single_face.mp4").read_bytes())
    recording = Recording.objects.get(pk=upload["recording"])
    analysis = recording.analyses.get()
    received: list[dict[str, Any]] = []
    with _websocket(live_studio, client, f"/ws/analyses/{analysis.pk}/") as websocket:
        while not received or received[-1]["event"] != "analysis.status" or received[-1]["data"]["status"] in (
            "queued", "running"
        ):  # fmt: skip
            received.append(json.loads(websocket.recv(timeout=120)))
    final = received[-1]["data"]
    assert final["status"] == "succeeded", final["status_message"]
    rows = [row for event in received if event["event"] == "analysis.frames" for row in event["data"]["rows"]]
    live = client.get(f"/api/recordings/analyses/{analysis.pk}/live/").json()["rows"]
    assert rows
    assert rows == live[: len(rows)]
    assert {row[2] for row in live} == {final["participant_track"]}
    assert final["summary"]["frames"] == 72
    wait_until(
        lambda: Recording.objects.get(pk=recording.pk).status == Recording.Status.SUCCEEDED,
        timeout=60, what="preparation did not finish",
    )  # fmt: skip
    assert Analysis.objects.get(pk=analysis.pk).worker_hostname == live_studio.worker_hostname
