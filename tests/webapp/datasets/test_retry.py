"""A failed import is retried from its stored upload, in the page and the API, and only by its own team."""

from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from tests.dataset_factories import DatasetFactory
from tests.dataset_files import emotion_zip, uploaded
from webapp.accounts.models import Team, User
from webapp.datasets import services
from webapp.datasets.models import DatasetImport
from webapp.datasets.serializers import dataset_import_payload

pytestmark = pytest.mark.usefixtures("media_root")


def _failed(team: Team) -> DatasetImport:
    with mock.patch("webapp.jobs.enqueue_dataset_import"):
        dataset_import = services.dataset_import_create(
            dataset=DatasetFactory(team=team), user=None, upload=uploaded("faces.zip", emotion_zip()), image_size=40
        )
    services.dataset_import_start(import_id=dataset_import.pk, hostname="dead@box")
    services.dataset_import_fail(import_id=dataset_import.pk, message="Worker dead@box stopped responding")
    return DatasetImport.objects.get(pk=dataset_import.pk)


def test_it_queues_a_new_import_of_the_same_upload(
    team: Team, alice: User, enqueued: mock.MagicMock, django_capture_on_commit_callbacks: Any
) -> None:
    failed = _failed(team)
    with django_capture_on_commit_callbacks(execute=True):
        retry = services.dataset_import_retry(dataset_import=failed, user=alice)
    enqueued.assert_called_once_with(import_id=retry.pk)
    assert retry.status == DatasetImport.Status.QUEUED
    assert (retry.upload.name, retry.original_name, retry.kind) == (failed.upload.name, "faces.zip", failed.kind)
    assert (retry.image_size, retry.dataset_id, retry.retry_of_id) == (40, failed.dataset_id, failed.pk)
    assert retry.created_by == alice
    assert retry.errors == []
    assert dataset_import_payload(retry)["retry_of"] == failed.pk


def test_only_a_failed_import_with_its_upload_can_be_retried(team: Team, alice: User, enqueued: object) -> None:
    failed = _failed(team)
    retry = services.dataset_import_retry(dataset_import=failed, user=alice)
    assert not retry.can_retry
    with pytest.raises(ValidationError, match="Only a failed import can be retried; this one is Waiting for a worker"):
        services.dataset_import_retry(dataset_import=retry, user=alice)
    assert not failed.can_retry  # its retry is queued
    with pytest.raises(ValidationError, match=f"Import #{retry.pk} already retries it \\(waiting for a worker\\)"):
        services.dataset_import_retry(dataset_import=failed, user=alice)
    services.dataset_import_fail(import_id=retry.pk, message="bad zip")
    assert failed.can_retry  # a retry that failed too may be retried again
    failed.upload.storage.delete(failed.upload.name)
    assert not failed.can_retry
    with pytest.raises(ValidationError, match="no longer on the server: upload it again"):
        services.dataset_import_retry(dataset_import=failed, user=alice)


def test_the_dataset_page_offers_retry_and_it_works(alice_client: Client, team: Team, enqueued: object) -> None:
    failed = _failed(team)
    page = alice_client.get(f"/datasets/{failed.dataset_id}/").content.decode()
    assert f'action="/datasets/imports/{failed.pk}/retry/"' in page
    response = alice_client.post(f"/datasets/imports/{failed.pk}/retry/", follow=True)
    assert response.redirect_chain[-1][0] == f"/datasets/{failed.dataset_id}/"
    retry = DatasetImport.objects.get(retry_of=failed)
    page = response.content.decode()
    assert f"Import #{retry.pk} retries faces.zip." in page
    assert f"Retry of import #{failed.pk}." in page
    assert f"Retried by import #{retry.pk} (waiting for a worker)." in page
    assert "Retry import</button>" not in page  # no second retry while this one may still succeed


def test_the_api_retries_and_refuses_what_cannot_be(alice_api: APIClient, team: Team, enqueued: object) -> None:
    failed = _failed(team)
    created = alice_api.post(f"/api/datasets/imports/{failed.pk}/retry/")
    assert created.status_code == 201
    assert created.json()["retry_of"] == failed.pk
    refused = alice_api.post(f"/api/datasets/imports/{created.json()['id']}/retry/")
    assert refused.status_code == 400


def test_another_team_cannot_retry(
    charlie_client: Client, charlie_api: APIClient, team: Team, enqueued: object
) -> None:
    failed = _failed(team)
    assert charlie_client.post(f"/datasets/imports/{failed.pk}/retry/").status_code == 404
    assert charlie_api.post(f"/api/datasets/imports/{failed.pk}/retry/").status_code == 404
    assert not DatasetImport.objects.filter(retry_of=failed).exists()


def _rejected(team: Team) -> DatasetImport:
    """An import whose file itself was refused (a wrong layout): retrying the same file cannot help."""
    with mock.patch("webapp.jobs.enqueue_dataset_import"):
        dataset_import = services.dataset_upload_create(
            team=team, user=None, name="FER", upload=uploaded("faces.zip", emotion_zip()), image_size=40
        )
    services.dataset_import_start(import_id=dataset_import.pk, hostname="w@box")
    message = "Expected folders named by emotion, got happyy/."
    services.dataset_import_fail(import_id=dataset_import.pk, message=message, retryable=False)
    return DatasetImport.objects.get(pk=dataset_import.pk)


def test_an_import_refused_for_its_file_offers_no_retry(
    alice_client: Client, alice_api: APIClient, team: Team, enqueued: object
) -> None:
    rejected = _rejected(team)
    assert not rejected.can_retry
    page = alice_client.get(f"/datasets/{rejected.dataset_id}/").content.decode()
    assert "Expected folders named by emotion, got happyy/." in page
    assert "Retry import</button>" not in page
    refused = alice_api.post(f"/api/datasets/imports/{rejected.pk}/retry/")
    assert refused.status_code == 400
    assert "importing it again would fail the same way" in str(refused.json())


def test_a_failed_first_import_does_not_keep_its_name_taken(alice_api: APIClient, team: Team, enqueued: object) -> None:
    rejected = _rejected(team)
    again = alice_api.post("/api/datasets/upload/", {"name": "fer", "file": uploaded("fixed.zip", emotion_zip())})
    assert again.status_code == 201, again.json()
    assert again.json()["dataset"] == rejected.dataset_id  # the empty dataset takes the new upload
    assert list(DatasetImport.objects.filter(dataset_id=rejected.dataset_id).values_list("status", flat=True)) == [
        "queued",
        "failed",
    ]


def test_a_name_stays_taken_while_its_dataset_holds_a_version_or_an_import_under_way(
    alice_api: APIClient, team: Team, enqueued: object
) -> None:
    alice_api.post("/api/datasets/upload/", {"name": "Busy", "file": uploaded("a.zip", emotion_zip())})
    refused = alice_api.post("/api/datasets/upload/", {"name": "busy", "file": uploaded("b.zip", emotion_zip())})
    assert refused.status_code == 400
    assert "already has a dataset named" in str(refused.json())
