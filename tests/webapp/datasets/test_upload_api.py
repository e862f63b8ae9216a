"""Uploading through the API: a dataset and its queued import, or a 400/413 that says what is wrong."""

import os
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from rest_framework.test import APIClient

from tests.dataset_factories import DatasetFactory
from tests.dataset_files import emotion_zip, fer_csv, tar_bytes, uploaded, zip_bytes
from webapp.accounts.models import Team
from webapp.datasets import services
from webapp.datasets.models import Dataset, DatasetImport

pytestmark = pytest.mark.usefixtures("media_root", "enqueued")


def _upload(client: APIClient, name: str, data: bytes, **fields: Any) -> Any:
    return client.post("/api/datasets/upload/", {"name": "Lab faces", "file": uploaded(name, data), **fields})


def test_it_creates_a_dataset_and_queues_its_import(
    alice_api: APIClient, team: Team, enqueued: mock.MagicMock, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(alice_api, "faces.zip", emotion_zip(), description="Our lab")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["kind"], body["original_name"], body["version"]) == (
        "queued",
        "zip",
        "faces.zip",
        None,
    )
    assert body["skipped"] == [{"name": "faces/README.txt", "reason": "not an image file"}]
    dataset = Dataset.objects.get(pk=body["dataset"])
    assert (dataset.team, dataset.name, dataset.description) == (team, "Lab faces", "Our lab")
    enqueued.assert_called_once_with(import_id=body["id"])


def test_it_accepts_a_csv_and_a_tar(alice_api: APIClient) -> None:
    csv = fer_csv([(0, 10, "Training")])
    assert _upload(alice_api, "fer2013.csv", csv).json()["kind"] == "csv"
    tar = tar_bytes({"train/angry/a.png": b"x"}, mode="w:xz")
    assert (
        alice_api.post("/api/datasets/upload/", {"name": "Tar", "file": uploaded("a.tar.xz", tar)}).json()["kind"]
        == "tar"
    )


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("evil.zip", zip_bytes({"../../etc/cron.d/evil.png": b"x"}), "unsafe path '../../etc/cron.d/evil.png'"),
        ("abs.tar.gz", tar_bytes({"/etc/evil.png": b"x"}), "unsafe path '/etc/evil.png'"),
        ("empty.zip", zip_bytes({}), "empty.zip is an empty archive"),
        ("bomb.zip", zip_bytes({"train/angry/z.png": bytes(30 * 1024 * 1024)}), "looks like a zip bomb"),
        ("notes.txt", b"just some notes" * 100, "unsupported file 'notes.txt'"),
    ],
)
def test_it_refuses_bad_uploads_with_a_clear_message(
    alice_api: APIClient, name: str, data: bytes, expected: str
) -> None:
    response = _upload(alice_api, name, data)
    assert response.status_code == 400
    (message,) = response.json()["file"]
    assert expected in message
    assert message.endswith("Nothing was imported.")
    assert not Dataset.objects.exists()


def test_it_refuses_an_empty_file(alice_api: APIClient) -> None:
    response = _upload(alice_api, "empty.csv", b"")
    assert response.status_code == 400
    assert response.json() == {"file": ["The submitted file is empty."]}


def test_it_refuses_an_upload_over_the_limit_with_413(alice_api: APIClient, media_root: Path) -> None:
    with override_settings(STUDIO_MAX_UPLOAD_MB=1):
        response = _upload(alice_api, "big.zip", zip_bytes({"train/angry/a.png": os.urandom(3 * 1024 * 1024)}))
    assert response.status_code == 413
    assert "the limit is 1 MB" in response.json()["detail"]
    assert "STUDIO_MAX_UPLOAD_MB" in response.json()["detail"]
    assert not Dataset.objects.exists()
    assert not list(media_root.rglob("*.zip"))


def test_it_asks_for_a_name_and_a_file(alice_api: APIClient) -> None:
    response = alice_api.post("/api/datasets/upload/", {})
    assert response.status_code == 400
    assert set(response.json()) == {"name", "file"}


def test_it_refuses_a_taken_name(alice_api: APIClient, team: Team) -> None:
    DatasetFactory(team=team, name="Lab faces")
    response = _upload(alice_api, "faces.zip", emotion_zip())
    assert response.status_code == 400
    assert response.json() == {"name": ["Your team already has a dataset named 'Lab faces': pick another name."]}


def test_it_refuses_to_upload_into_another_team(charlie_api: APIClient, team: Team) -> None:
    response = _upload(charlie_api, "faces.zip", emotion_zip(), team=team.pk)
    assert response.status_code == 400
    assert response.json() == {"team": [f"You are not a member of team {team.pk}."]}


def test_it_uploads_a_new_version_of_an_existing_dataset(alice_api: APIClient, team: Team) -> None:
    dataset = DatasetFactory(team=team)
    response = alice_api.post(f"/api/datasets/{dataset.pk}/upload/", {"file": uploaded("v2.zip", emotion_zip())})
    assert response.status_code == 201
    assert DatasetImport.objects.get(pk=response.json()["id"]).dataset == dataset


def test_it_hides_another_teams_dataset_from_version_uploads(charlie_api: APIClient, team: Team) -> None:
    dataset = DatasetFactory(team=team)
    response = charlie_api.post(f"/api/datasets/{dataset.pk}/upload/", {"file": uploaded("v2.zip", emotion_zip())})
    assert response.status_code == 404
    assert not DatasetImport.objects.exists()


def test_it_refuses_anonymous_uploads() -> None:
    response = APIClient().post("/api/datasets/upload/", {"name": "x", "file": uploaded("a.zip", emotion_zip())})
    assert response.status_code == 401


def test_it_refuses_a_2_mb_description(alice_api: APIClient, team: Team) -> None:
    response = _upload(alice_api, "faces.zip", emotion_zip(), description="x" * 2_000_000)
    assert response.status_code == 400
    assert response.json() == {"description": ["Ensure this field has no more than 2000 characters."]}
    assert not Dataset.objects.exists()


def test_the_model_refuses_a_long_description_whoever_creates_it(team: Team) -> None:
    with pytest.raises(ValidationError, match="at most 2000 characters"):
        services.dataset_create(team=team, user=None, name="Long", description="x" * 2001)
