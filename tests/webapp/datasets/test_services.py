"""Services of datasets: uploads stored before queueing, imports recorded, versions immutable and content-addressed."""

from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from tests.dataset_factories import FACES, DatasetFactory, version_with_faces
from tests.dataset_files import emotion_zip, face_hash, uploaded, zip_bytes
from webapp.accounts.models import Team, User
from webapp.datasets import services
from webapp.datasets.models import Dataset, DatasetImport, DatasetItem, DatasetVersion, FaceImage
from webapp.datasets.serializers import dataset_import_payload
from webapp.datasets.services.versions import FaceRow

pytestmark = pytest.mark.usefixtures("media_root")

ROWS = [
    FaceRow("train/angry/a.png", 0, 0, face_hash(1)),
    FaceRow("train/happy/b.png", 3, 0, face_hash(2)),
    FaceRow("test/sad/c.png", 4, 2, face_hash(3)),
]


def _import(team: Team, user: User, name: str = "Lab faces") -> DatasetImport:
    with mock.patch("webapp.jobs.enqueue_dataset_import"):
        return services.dataset_upload_create(
            team=team, user=user, name=name, upload=uploaded("faces.zip", emotion_zip())
        )


def test_it_stores_the_upload_and_queues_its_import_after_commit(
    team: Team, alice: User, media_root: Path, enqueued: mock.MagicMock, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        dataset_import = services.dataset_upload_create(
            team=team, user=alice, name="Lab faces", upload=uploaded("faces.zip", emotion_zip())
        )
    enqueued.assert_called_once_with(import_id=dataset_import.pk)
    assert dataset_import.status == DatasetImport.Status.QUEUED
    assert (dataset_import.kind, dataset_import.original_name) == ("zip", "faces.zip")
    stored = media_root / dataset_import.upload.name
    assert stored.read_bytes() == emotion_zip()
    assert stored.relative_to(media_root).parts[:2] == ("uploads", str(team.pk))
    assert dataset_import.skipped == [{"name": "faces/README.txt", "reason": "not an image file"}]


def test_it_refuses_an_unsafe_upload_and_stores_nothing(team: Team, alice: User, media_root: Path) -> None:
    with pytest.raises(ValidationError, match="unsafe path"):
        services.dataset_upload_create(
            team=team, user=alice, name="Evil", upload=uploaded("evil.zip", zip_bytes({"../evil.png": b"x"}))
        )
    assert not Dataset.objects.exists()
    assert not DatasetImport.objects.exists()
    assert not list(media_root.rglob("*.*"))


def test_it_refuses_a_second_dataset_of_the_same_name(team: Team, alice: User) -> None:
    _import(team, alice, name="Lab faces")
    with pytest.raises(ValidationError) as refused:
        _import(team, alice, name="lab FACES")
    assert refused.value.message_dict == {
        "name": ["Your team already has a dataset named 'lab FACES': pick another name."]
    }


def test_it_refuses_an_image_size_out_of_range(team: Team) -> None:
    with pytest.raises(ValidationError, match="image_size"):
        services.dataset_import_create(
            dataset=DatasetFactory(team=team), user=None, upload=uploaded("a.zip", emotion_zip()), image_size=8
        )


def test_it_completes_an_import_as_version_1_with_counts_and_skipped_files(team: Team, alice: User) -> None:
    dataset_import = _import(team, alice)
    services.dataset_import_start(import_id=dataset_import.pk)
    version = services.dataset_import_complete(
        import_id=dataset_import.pk, rows=ROWS, skipped=[("x.jpg", "unreadable")]
    )
    dataset_import.refresh_from_db()
    assert (dataset_import.status, dataset_import.progress, dataset_import.version) == ("succeeded", 1.0, version)
    assert dataset_import.message == "Imported 3 faces as v1"
    assert dataset_import.skipped_count == 2
    assert dataset_import.skipped[-1] == {"name": "x.jpg", "reason": "unreadable"}
    assert (version.number, version.item_count, version.created_by, version.team) == (1, 3, alice, team)
    assert version.split_counts == {"train": 2, "val": 0, "test": 1}
    assert version.class_counts == {
        "angry": 1,
        "disgust": 0,
        "fear": 0,
        "happy": 1,
        "sad": 1,
        "surprise": 0,
        "neutral": 0,
    }
    assert version.counts["test"]["sad"] == 1
    assert version.fingerprint == services.version_fingerprint(ROWS, image_size=48)


def test_it_numbers_versions_and_stores_each_face_once_per_team(team: Team) -> None:
    dataset = DatasetFactory(team=team)
    first, second = version_with_faces(dataset), version_with_faces(dataset)
    assert (first.number, second.number) == (1, 2)
    assert first.fingerprint == second.fingerprint
    assert FaceImage.objects.filter(team=team).count() == len(FACES)
    assert DatasetItem.objects.filter(version=second).count() == len(FACES)


def test_it_keeps_each_teams_face_images_apart(team: Team, other_team: Team) -> None:
    ours = version_with_faces(DatasetFactory(team=team))
    theirs = version_with_faces(DatasetFactory(team=other_team))
    our_images = set(ours.items.values_list("image_id", flat=True))
    their_images = set(theirs.items.values_list("image_id", flat=True))
    assert our_images.isdisjoint(their_images)
    assert set(FaceImage.objects.filter(pk__in=their_images).values_list("team_id", flat=True)) == {other_team.pk}


def test_it_fails_an_import_without_leaving_a_version(team: Team, alice: User) -> None:
    dataset_import = _import(team, alice)
    services.dataset_import_start(import_id=dataset_import.pk)
    services.dataset_import_fail(import_id=dataset_import.pk, message="expected header emotion,pixels,Usage, got a,b")
    dataset_import.refresh_from_db()
    assert dataset_import.status == DatasetImport.Status.FAILED
    assert dataset_import.errors == ["expected header emotion,pixels,Usage, got a,b"]
    assert dataset_import.finished_at is not None
    assert not DatasetVersion.objects.exists()


def test_it_does_not_run_an_import_that_already_ended(team: Team, alice: User) -> None:
    dataset_import = _import(team, alice)
    services.dataset_import_start(import_id=dataset_import.pk)
    services.dataset_import_complete(import_id=dataset_import.pk, rows=ROWS, skipped=[])
    assert services.dataset_import_start(import_id=dataset_import.pk) is None
    with pytest.raises(ValidationError, match="already ended"):
        services.dataset_import_complete(import_id=dataset_import.pk, rows=ROWS, skipped=[])


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "at least one face"),
        ([ROWS[0], ROWS[0]], "its own name"),
        ([ROWS[0]._replace(label=7)], "expected label 0-6"),
    ],
)
def test_it_refuses_rows_that_cannot_make_a_version(team: Team, alice: User, rows: list[FaceRow], message: str) -> None:
    dataset_import = _import(team, alice)
    services.dataset_import_start(import_id=dataset_import.pk)
    with pytest.raises(ValidationError, match=message):
        services.dataset_import_complete(import_id=dataset_import.pk, rows=rows, skipped=[])
    assert not DatasetVersion.objects.exists()
    assert not FaceImage.objects.exists()


def test_it_publishes_import_progress_after_commit(
    team: Team, alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    dataset_import = _import(team, alice)
    with (
        mock.patch("webapp.events.publish_dataset_import") as publish,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.dataset_import_progress(import_id=dataset_import.pk, progress=0.25, message="Reading the upload (36%)")
    dataset_import.refresh_from_db()
    assert (dataset_import.progress, dataset_import.message) == (0.25, "Reading the upload (36%)")
    publish.assert_called_once_with(import_id=dataset_import.pk, data=dataset_import_payload(dataset_import))


def test_it_fingerprints_content_whatever_the_row_order() -> None:
    fingerprint = services.version_fingerprint(ROWS, image_size=48)
    assert services.version_fingerprint(list(reversed(ROWS)), image_size=48) == fingerprint
    assert services.version_fingerprint([ROWS[0]._replace(label=1), *ROWS[1:]], image_size=48) != fingerprint
    assert services.version_fingerprint(ROWS, image_size=64) != fingerprint


def test_it_relabels_into_a_new_version_and_leaves_the_parent_alone(team: Team, alice: User) -> None:
    parent = version_with_faces(DatasetFactory(team=team))
    item = parent.items.get(name="face-030.png")
    child = services.dataset_version_create_from(parent=parent, changes={item.pk: 2}, user=alice)
    assert (child.number, child.parent, child.note) == (2, parent, "Relabelled 1 face of v1")
    assert child.items.get(name="face-030.png").label == 2
    assert parent.items.get(name="face-030.png").label == 3
    assert child.fingerprint != parent.fingerprint
    assert child.class_counts["fear"] == 1


def test_it_refuses_relabels_of_unknown_items_or_that_change_nothing(team: Team, charlie: User) -> None:
    parent = version_with_faces(DatasetFactory(team=team))
    item = parent.items.get(name="face-030.png")
    with pytest.raises(ValidationError, match="not in v1"):
        services.dataset_version_create_from(parent=parent, changes={item.pk + 1000: 1}, user=charlie)
    with pytest.raises(ValidationError, match="already has"):
        services.dataset_version_create_from(parent=parent, changes={item.pk: 3}, user=charlie)
    assert parent.dataset.versions.count() == 1
