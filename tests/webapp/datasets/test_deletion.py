"""Datasets and versions can be deleted from the pages and the API, per team, with what goes with them said first;
what still needs them (a job, a newer version, a running review job) stops the delete and says so. Their files go:
faces no other version uses, uploads, training caches. Every page says how much disk its objects take."""

from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.test import Client
from rest_framework.test import APIClient

from tests.dataset_factories import DatasetFactory, version_with_faces
from tests.dataset_files import emotion_zip, face_hash, uploaded
from tests.review_factories import scoring_succeeded_create
from tests.run_factories import TeacherRunFactory
from webapp.accounts.models import Team, User
from webapp.datasets import footprint, services
from webapp.datasets.models import Dataset, DatasetItem, DatasetVersion, FaceImage, Split
from webapp.datasets.storage import face_path, upload_absolute_path, version_cache_path
from webapp.reviews import services as review_services
from webapp.reviews.models import Action, LabelScoring, ReviewDecision, ReviewEvent

pytestmark = pytest.mark.usefixtures("media_root")

SHARED = [(10, 0, Split.TRAIN), (20, 3, Split.TRAIN), (30, 6, Split.TEST)]
OWN = [(40, 4, Split.VAL)]  # only in the second version


@pytest.fixture
def dataset(team: Team) -> Dataset:
    return DatasetFactory(team=team, name="FER")


@pytest.fixture
def v1(dataset: Dataset) -> DatasetVersion:
    return version_with_faces(dataset, SHARED, store=True)


@pytest.fixture
def v2(dataset: Dataset, v1: DatasetVersion) -> DatasetVersion:
    return version_with_faces(dataset, SHARED + OWN, store=True)


def _cache(version: DatasetVersion, size: int = 1000) -> Path:
    path = version_cache_path(version.fingerprint)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    return path


def test_a_versions_faces_and_cache_are_counted_on_disk(v1: DatasetVersion, v2: DatasetVersion) -> None:
    _cache(v2)
    faces = sum(face_path(face_hash(value)).stat().st_size for value, _, _ in SHARED + OWN)
    assert footprint.version_disk_usage(version=v2) == footprint.DiskUsage(faces=faces, cache=1000)
    usage = footprint.dataset_disk_usage(dataset=v2.dataset)  # shared faces count once
    assert (usage.faces, usage.uploads, usage.cache, usage.total) == (faces, 0, 1000, faces + 1000)


def test_deleting_a_version_frees_only_the_faces_no_other_version_uses(
    alice_api: APIClient, v1: DatasetVersion, v2: DatasetVersion, django_capture_on_commit_callbacks: Any
) -> None:
    cache = _cache(v2)
    own = face_path(face_hash(OWN[0][0]))
    plan = footprint.version_delete_plan(version=v2)
    assert plan.allowed
    assert plan.frees_bytes == own.stat().st_size + 1000
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_api.delete(f"/api/datasets/{v2.dataset_id}/versions/2/")
    assert response.status_code == 204
    assert not DatasetVersion.objects.filter(pk=v2.pk).exists()
    assert not own.exists()
    assert not cache.exists()
    assert all(face_path(face_hash(value)).exists() for value, _, _ in SHARED)  # v1 still holds them
    assert FaceImage.objects.count() == len(SHARED)
    assert DatasetItem.objects.filter(version=v1).count() == len(SHARED)


def test_a_version_a_job_trained_on_is_kept_and_the_page_says_why(
    alice_client: Client, alice_api: APIClient, team: Team, v1: DatasetVersion
) -> None:
    run = TeacherRunFactory(team=team, dataset_version=v1)
    refused = alice_api.delete(f"/api/datasets/{v1.dataset_id}/versions/1/")
    assert refused.status_code == 400
    assert f"Job #{run.pk} trained on v1: delete it first" in str(refused.json())
    page = alice_client.get(f"/datasets/{v1.dataset_id}/versions/1/delete/").content.decode()
    assert f"Job #{run.pk} trained on v1: delete it first (a job keeps the data it was trained on)." in page
    assert "Delete FER v1</button>" not in page
    assert DatasetVersion.objects.filter(pk=v1.pk).exists()


def test_a_version_another_was_made_from_is_kept(alice_api: APIClient, alice: User, v1: DatasetVersion) -> None:
    item = v1.items.first()
    assert item is not None
    services.dataset_version_create_from(parent=v1, changes={item.pk: 5}, user=alice)
    refused = alice_api.delete(f"/api/datasets/{v1.dataset_id}/versions/1/")
    assert refused.status_code == 400
    assert "v2 was made from v1: delete the newer version first." in str(refused.json())


def test_deleting_a_reviewed_version_says_its_reviews_go_and_takes_them(
    alice_client: Client, alice: User, v1: DatasetVersion
) -> None:
    scoring_succeeded_create(version=v1, flagged=1)
    item = v1.items.first()
    assert item is not None
    review_services.review_decide(version=v1, item=item, user=alice, action=Action.EXCLUDE, expected_revision=0)
    url = f"/datasets/{v1.dataset_id}/versions/1/delete/"
    page = alice_client.get(url).content.decode()
    effects = ("3 faces of v1", "1 label-quality job and its scores", "1 review decision", "1 entry of the review log")
    assert all(effect in page for effect in effects)
    assert "Delete FER v1</button>" in page
    response = alice_client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == f"/datasets/{v1.dataset_id}/"
    assert "Deleted FER v1:" in response.content.decode()
    assert not LabelScoring.objects.exists()
    assert not ReviewDecision.objects.exists()
    assert not ReviewEvent.objects.exists()


def test_a_running_label_quality_job_keeps_its_version(alice_api: APIClient, v1: DatasetVersion) -> None:
    scoring = LabelScoring.objects.create(team=v1.team, version=v1, config={}, status=LabelScoring.Status.RUNNING)
    refused = alice_api.delete(f"/api/datasets/{v1.dataset_id}/versions/1/")
    assert refused.status_code == 400
    assert f"Label-quality job #{scoring.pk} is running on v1: cancel it first." in str(refused.json())


def test_deleting_a_dataset_takes_its_versions_imports_uploads_faces_and_caches(
    alice_client: Client, team: Team, v2: DatasetVersion, django_capture_on_commit_callbacks: Any
) -> None:
    with mock.patch("webapp.jobs.enqueue_dataset_import"):
        failed = services.dataset_import_create(dataset=v2.dataset, user=None, upload=uploaded("f.zip", emotion_zip()))
    services.dataset_import_fail(import_id=failed.pk, message="bad")
    upload, cache = upload_absolute_path(failed.upload.name), _cache(v2)
    other = version_with_faces(DatasetFactory(team=team, name="Other"), SHARED[:1], store=True)
    page = alice_client.get(f"/datasets/{v2.dataset_id}/delete/").content.decode()
    assert "2 versions (v1, v2)" in page
    assert "1 import and the uploaded files they kept" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(f"/datasets/{v2.dataset_id}/delete/", follow=True)
    assert response.redirect_chain[-1][0] == "/datasets/"
    assert not Dataset.objects.filter(name="FER").exists()
    assert not upload.exists()
    assert not upload.parent.exists()
    assert not cache.exists()
    kept = face_path(face_hash(SHARED[0][0]))
    assert kept.exists()  # the other dataset still holds this face
    assert not face_path(face_hash(SHARED[1][0])).exists()
    assert list(FaceImage.objects.values_list("sha256", flat=True)) == [face_hash(SHARED[0][0])]
    assert other.items.count() == 1


def test_a_dataset_with_an_import_under_way_is_kept(alice_api: APIClient, dataset: Dataset) -> None:
    with mock.patch("webapp.jobs.enqueue_dataset_import"):
        queued = services.dataset_import_create(dataset=dataset, user=None, upload=uploaded("f.zip", emotion_zip()))
    refused = alice_api.delete(f"/api/datasets/{dataset.pk}/")
    assert refused.status_code == 400
    assert f"Import #{queued.pk} is queued: wait until it ends." in str(refused.json())


def test_another_teams_dataset_and_versions_are_404(
    charlie_client: Client, charlie_api: APIClient, v1: DatasetVersion
) -> None:
    assert charlie_api.delete(f"/api/datasets/{v1.dataset_id}/").status_code == 404
    assert charlie_api.delete(f"/api/datasets/{v1.dataset_id}/versions/1/").status_code == 404
    assert charlie_client.get(f"/datasets/{v1.dataset_id}/delete/").status_code == 404
    assert charlie_client.post(f"/datasets/{v1.dataset_id}/versions/1/delete/").status_code == 404
    assert DatasetVersion.objects.filter(pk=v1.pk).exists()


def test_the_pages_and_the_api_say_how_much_disk_they_take(
    alice_client: Client, alice_api: APIClient, v1: DatasetVersion
) -> None:
    usage = footprint.dataset_disk_usage(dataset=v1.dataset)
    shown = filesizeformat(usage.total)
    assert usage.total > 0
    assert shown in alice_client.get("/datasets/").content.decode()
    detail = alice_client.get(f"/datasets/{v1.dataset_id}/").content.decode()
    assert f'On disk: <strong class="disk">{shown}</strong>' in detail
    assert "Delete dataset" in detail
    version_page = alice_client.get(f"/datasets/{v1.dataset_id}/versions/1/").content.decode()
    assert shown in version_page
    data = alice_api.get(f"/api/datasets/{v1.dataset_id}/").json()
    assert data["disk_bytes"] == usage.total
    assert data["versions"][0]["disk_bytes"] == usage.total


def test_new_face_rows_record_their_files_size(v1: DatasetVersion) -> None:
    image = FaceImage.objects.get(sha256=face_hash(SHARED[0][0]))
    assert image.bytes == face_path(image.sha256).stat().st_size
    assert Path(settings.MEDIA_ROOT) in face_path(image.sha256).parents
