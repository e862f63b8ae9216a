"""Imports through the task, eagerly: every format becomes a version; bad input fails it and leaves nothing behind."""

import logging
from pathlib import Path
from unittest import mock

import pytest

from tests.dataset_files import EMOTION_FILES, emotion_zip, face_hash, fer_csv, rafdb_zip, tar_bytes, zip_bytes
from tests.worker.datasets.conftest import ImportMaker
from webapp.datasets.models import DatasetImport, DatasetItem, DatasetVersion, FaceImage
from webapp.datasets.storage import face_path
from worker.datasets import DatasetImportError, import_run
from worker.tasks import import_dataset


def _run(dataset_import: DatasetImport) -> DatasetImport:
    import_dataset.apply(kwargs={"import_id": dataset_import.pk})
    dataset_import.refresh_from_db()
    return dataset_import


def _items(version: DatasetVersion) -> list[tuple[str, str, str]]:
    items = version.items.order_by("name")
    return [(item.name, item.get_label_display(), item.get_split_display()) for item in items]


def test_it_imports_a_zip_of_emotion_folders(stored_import: ImportMaker, media_root: Path) -> None:
    dataset_import = _run(stored_import("faces.zip", emotion_zip()))
    assert (dataset_import.status, dataset_import.progress, dataset_import.message) == (
        "succeeded",
        1.0,
        "Imported 6 faces as v1",
    )
    version = dataset_import.version
    assert version is not None
    assert version.split_counts == {"train": 4, "val": 1, "test": 1}
    assert ("faces/val/neutral/n1.png", "neutral", "val") in _items(version)
    assert FaceImage.objects.count() == 5  # h1 and h1-copy are one face
    assert all(face_path(face_hash(value)).is_file() for value in (10, 20, 30, 40, 50))
    skipped = {item["name"]: item["reason"] for item in dataset_import.skipped}
    assert dataset_import.skipped_count == 2
    assert skipped["faces/README.txt"] == "not an image file"
    assert "unreadable image" in skipped["faces/train/angry/broken.jpg"]


def test_it_imports_a_tar_xz(stored_import: ImportMaker) -> None:
    dataset_import = _run(stored_import("faces.tar.xz", tar_bytes(EMOTION_FILES, mode="w:xz")))
    assert dataset_import.status == "succeeded"
    assert dataset_import.version is not None
    assert dataset_import.version.item_count == 6


def test_it_imports_a_fer2013_csv_with_its_usage_splits(stored_import: ImportMaker) -> None:
    csv = fer_csv([(3, 10, "Training"), (0, 20, "PublicTest"), (6, 30, "PrivateTest")])
    version = _run(stored_import("fer2013.csv", csv)).version
    assert version is not None
    expected = [
        ("row-00000001", "happy", "train"),
        ("row-00000002", "angry", "val"),
        ("row-00000003", "neutral", "test"),
    ]
    assert _items(version) == expected


def test_it_imports_raf_db_onto_the_fer2013_classes(stored_import: ImportMaker) -> None:
    version = _run(stored_import("rafdb.zip", rafdb_zip())).version
    assert version is not None
    labels = {name.rsplit("/", 1)[-1]: (label, split) for name, label, split in _items(version)}
    assert labels == {
        "train_00001_aligned.png": ("happy", "train"),
        "train_00002_aligned.png": ("neutral", "train"),
        "test_0001_aligned.png": ("surprise", "test"),
    }
    assert FaceImage.objects.filter(sha256=face_hash(80)).exists()  # 100x100 aligned faces stored at 48x48


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        (
            "bad.csv",
            fer_csv([(0, 1, "Training")], header="label,image,split"),
            "expected header emotion,pixels,Usage, got label,image,split",
        ),
        (
            "short.csv",
            b"emotion,pixels,Usage\n0,1 2 3,Training\n",
            "row 1 (line 2): expected 2304 pixels (48x48), got 3",
        ),
        ("usage.csv", fer_csv([(0, 1, "Holdout")]), "unknown Usage 'Holdout'"),
        (
            "bored.zip",
            zip_bytes({"train/bored/a.png": EMOTION_FILES["faces/train/angry/a1.png"]}),
            "unknown emotion folders: 'bored'",
        ),
        (
            "broken.zip",
            zip_bytes({"train/angry/a.jpg": b"garbage", "train/sad/b.png": b"junk"}),
            "no readable images in",
        ),
    ],
)
def test_it_fails_bad_input_with_kdcores_message_and_keeps_nothing(
    stored_import: ImportMaker, name: str, data: bytes, expected: str
) -> None:
    dataset_import = _run(stored_import(name, data))
    assert dataset_import.status == "failed"
    (error,) = dataset_import.errors
    assert expected in error
    assert dataset_import.message == "Import failed: nothing was imported"
    assert not DatasetVersion.objects.exists()
    assert not FaceImage.objects.exists()


def test_it_rolls_back_every_row_when_saving_fails(stored_import: ImportMaker) -> None:
    dataset_import = stored_import("faces.zip", emotion_zip())
    with mock.patch.object(DatasetItem.objects, "bulk_create", side_effect=RuntimeError("disk full")):
        dataset_import = _run(dataset_import)
    assert dataset_import.status == "failed"
    assert "unexpected error (RuntimeError: disk full)" in dataset_import.errors[0]
    assert not DatasetVersion.objects.exists()
    assert not FaceImage.objects.exists()


def test_it_fails_when_the_stored_upload_is_gone(stored_import: ImportMaker, media_root: Path) -> None:
    dataset_import = stored_import("faces.zip", emotion_zip())
    (media_root / dataset_import.upload.name).unlink()
    assert "missing from the server's storage" in _run(dataset_import).errors[0]


def test_it_does_nothing_for_an_import_that_already_ended(stored_import: ImportMaker) -> None:
    dataset_import = _run(stored_import("faces.zip", emotion_zip()))
    assert import_run(dataset_import.pk) is None
    assert DatasetVersion.objects.count() == 1


def test_it_raises_after_recording_the_failure(stored_import: ImportMaker) -> None:
    dataset_import = stored_import("bored.zip", zip_bytes({"bored/a.png": EMOTION_FILES["faces/train/angry/a1.png"]}))
    with pytest.raises(DatasetImportError, match="unknown emotion folders"):
        import_run(dataset_import.pk)


def test_it_reports_each_step_in_order(stored_import: ImportMaker) -> None:
    steps: list[tuple[float, str]] = []
    import_run(
        stored_import("faces.zip", emotion_zip()).pk, echo=lambda fraction, message: steps.append((fraction, message))
    )
    fractions = [fraction for fraction, _ in steps]
    assert fractions == sorted(fractions)
    assert [message for _, message in steps][-2:] == ["Storing 6 faces", "Saving 6 faces as a new version"]


def _task_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name.startswith(("worker", "celery"))]


def test_a_rejected_file_is_permanent_and_one_line_in_the_log(
    stored_import: ImportMaker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    dataset_import = stored_import("bored.zip", zip_bytes({"bored/a.png": EMOTION_FILES["faces/train/angry/a1.png"]}))
    dataset_import = _run(dataset_import)
    assert dataset_import.status == "failed"
    assert not dataset_import.retryable
    assert not dataset_import.can_retry
    lines = _task_lines(caplog)
    assert all(record.levelno < logging.WARNING and record.exc_info is None for record in lines), lines
    assert any(f"dataset import {dataset_import.pk} rejected: " in record.getMessage() for record in lines)
    assert not any("unexpected" in record.getMessage() for record in lines)


def test_a_fault_of_ours_may_be_retried_and_is_logged_with_its_traceback(
    stored_import: ImportMaker, caplog: pytest.LogCaptureFixture
) -> None:
    dataset_import = stored_import("faces.zip", emotion_zip())
    with mock.patch.object(DatasetItem.objects, "bulk_create", side_effect=RuntimeError("disk full")):
        dataset_import = _run(dataset_import)
    assert dataset_import.retryable
    assert dataset_import.can_retry
    tracebacks = [record for record in _task_lines(caplog) if record.exc_info]
    assert [record.levelname for record in tracebacks] == ["ERROR"]  # once, from the importer
