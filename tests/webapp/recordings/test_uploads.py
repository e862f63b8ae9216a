"""Resumable uploads of recordings through the API: chunks in order, resume after a drop, refusals that keep
nothing, and one-request uploads for small files."""

from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest import mock

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from tests.recording_files import clip
from webapp.recordings import storage
from webapp.recordings.models import Recording, RecordingUpload

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse  # the test client's response, in the DRF stubs only

pytestmark = pytest.mark.usefixtures("media")

START = "/api/recordings/uploads/"


def _start(api: APIClient, name: str, size: int, **extra: object) -> dict[str, object]:
    response = api.post(START, {"original_name": name, "size_bytes": size, "name": "Session 3", **extra}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _chunk(api: APIClient, upload_id: object, offset: int, data: bytes) -> "_MonkeyPatchedResponse":
    return api.put(
        f"/api/recordings/uploads/{upload_id}/chunk/", data=data, content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET=str(offset),
    )  # fmt: skip


def test_it_stores_a_recording_sent_in_chunks_and_queues_its_preparation(
    alice_api: APIClient, held_queue: mock.Mock, django_capture_on_commit_callbacks: Any
) -> None:
    data = clip("single_face.mp4").read_bytes()
    upload = _start(alice_api, "single_face.mp4", len(data))
    third = len(data) // 3
    with django_capture_on_commit_callbacks(execute=True):
        for offset in (0, third, 2 * third):
            end = len(data) if offset == 2 * third else offset + third
            response = _chunk(alice_api, upload["id"], offset, data[offset:end])
            assert response.status_code == 200, response.content
    body = response.json()
    assert body["received"] == len(data)
    recording = Recording.objects.get(pk=body["recording"])
    assert (recording.name, recording.original_name, recording.size_bytes) == (
        "Session 3",
        "single_face.mp4",
        len(data),
    )
    assert storage.media_path(recording.original_path).read_bytes() == data
    assert not storage.upload_part_path(upload["id"]).exists()
    held_queue.assert_called_once_with(recording_id=recording.pk)
    assert recording.analyses.count() == 1  # analysed once prepared, with the built-in model


def test_it_resumes_where_the_stored_bytes_end(alice_api: APIClient) -> None:
    data = clip("single_face.mp4").read_bytes()
    upload = _start(alice_api, "single_face.mp4", len(data))
    assert _chunk(alice_api, upload["id"], 0, data[:1000]).status_code == 200
    again = _chunk(alice_api, upload["id"], 0, data[:1000])  # the client lost the answer and sends it again
    assert again.status_code == 409
    assert again.json()["received"] == 1000
    assert alice_api.get(f"/api/recordings/uploads/{upload['id']}/").json()["received"] == 1000
    assert _chunk(alice_api, upload["id"], 1000, data[1000:]).json()["recording"] is not None


@pytest.mark.parametrize(
    ("name", "head", "says"),
    [
        ("session.mp4", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "holds a PNG file"),
        ("session.mov", b"<!doctype html><html><body>hi</body></html>", "a web page or text"),
        ("session.mkv", b"\x00\x01\x02\x03garbage" * 8, "not a video or photo"),
    ],
)
def test_it_refuses_a_file_that_is_not_what_its_name_says_and_keeps_nothing(
    alice_api: APIClient, name: str, head: bytes, says: str, django_capture_on_commit_callbacks: Any
) -> None:
    upload = _start(alice_api, name, len(head))
    with django_capture_on_commit_callbacks(execute=True):
        response = _chunk(alice_api, upload["id"], 0, head)
    assert response.status_code == 400
    assert says in str(response.json())
    assert not RecordingUpload.objects.exists()
    assert not storage.upload_part_path(upload["id"]).exists()
    assert not Recording.objects.exists()


def test_it_refuses_an_empty_file_and_other_extensions_at_once(alice_api: APIClient) -> None:
    empty = alice_api.post(START, {"original_name": "a.mp4", "size_bytes": 0}, format="json")
    assert empty.status_code == 400
    text = alice_api.post(START, {"original_name": "notes.txt", "size_bytes": 10}, format="json")
    assert text.status_code == 400
    assert "expected a video" in str(text.json())


@override_settings(STUDIO_MAX_UPLOAD_MB=1)
def test_it_refuses_an_upload_over_the_limit_before_any_byte(alice_api: APIClient) -> None:
    response = alice_api.post(START, {"original_name": "big.mp4", "size_bytes": 5 * 1024 * 1024}, format="json")
    assert response.status_code == 413
    assert "STUDIO_MAX_UPLOAD_MB" in response.json()["detail"]
    assert not RecordingUpload.objects.exists()


@override_settings(STUDIO_UPLOAD_CHUNK_MB=1)
def test_it_refuses_a_chunk_over_the_chunk_limit(alice_api: APIClient) -> None:
    upload = _start(alice_api, "big.mp4", 3 * 1024 * 1024)
    response = _chunk(alice_api, upload["id"], 0, b"\0\0\0\x18ftypmp42" + b"\0" * (2 * 1024 * 1024))
    assert response.status_code == 413


def test_another_teams_upload_is_not_found(alice_api: APIClient, charlie_api: APIClient) -> None:
    upload = _start(alice_api, "single_face.mp4", 100)
    assert charlie_api.get(f"/api/recordings/uploads/{upload['id']}/").status_code == 404
    assert _chunk(charlie_api, upload["id"], 0, b"x").status_code == 404


def test_it_takes_a_small_recording_in_one_request(alice_api: APIClient, media: Path) -> None:
    with clip("multi_face.jpg").open("rb") as file:
        response = alice_api.post("/api/recordings/upload/", {"file": file, "name": "Group"}, format="multipart")
    assert response.status_code == 201, response.content
    recording = Recording.objects.get(pk=response.json()["id"])
    assert recording.name == "Group"
    assert storage.media_path(recording.original_path).read_bytes() == clip("multi_face.jpg").read_bytes()
