"""The resumable upload as the list page's uploader drives it: a chunk sent twice answers 409 with `received`, the
uploader goes on from there, and the last chunk answers with the recording."""

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from tests.recording_files import clip
from webapp.recordings import storage
from webapp.recordings.models import Recording

pytestmark = pytest.mark.django_db


def _put(api: APIClient, upload_id: str, offset: int, body: bytes) -> object:
    return api.put(
        f"/api/recordings/uploads/{upload_id}/chunk/", body, content_type="application/offset+octet-stream",
        headers={"Upload-Offset": str(offset)},
    )  # fmt: skip


def test_a_repeated_chunk_says_where_to_resume(alice_api: APIClient, media: Path, settings: Settings) -> None:
    settings.STUDIO_UPLOAD_CHUNK_MB = 1
    data = clip("single_face.mp4").read_bytes()
    data += b"\0" * (1024 * 1024 + 5000 - len(data))
    started = alice_api.post(
        "/api/recordings/uploads/", {"original_name": "s.mp4", "size_bytes": len(data), "analyse": False}, format="json"
    ).json()
    chunk = started["chunk_bytes"]
    assert (started["received"], chunk) == (0, 1024 * 1024)

    assert _put(alice_api, started["id"], 0, data[:chunk]).json()["received"] == chunk
    conflict = _put(alice_api, started["id"], 0, data[:chunk])  # the answer was lost: the client sends it again
    assert conflict.status_code == 409
    assert int(conflict.json()["received"]) == chunk
    assert alice_api.get(f"/api/recordings/uploads/{started['id']}/").json()["received"] == chunk

    finished = _put(alice_api, started["id"], chunk, data[chunk:]).json()
    recording = Recording.objects.get(pk=finished["recording"])
    assert storage.media_path(recording.original_path).read_bytes() == data
