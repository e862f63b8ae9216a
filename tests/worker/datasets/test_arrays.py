"""`version_face_arrays`: a version as kdcore FaceArrays, identical to reading its upload, cached by fingerprint."""

from pathlib import Path
from unittest import mock

import numpy as np

from kdcore.data import CLASS_NAMES, SPLIT_NAMES, read_faces
from tests.dataset_files import emotion_zip, fer_csv
from tests.worker.datasets.conftest import ImportMaker
from webapp.datasets import models
from webapp.datasets.models import DatasetVersion
from worker.datasets import import_run, version_face_arrays
from worker.datasets.arrays import version_cache_path


def _imported(stored_import: ImportMaker, name: str, data: bytes) -> DatasetVersion:
    version = import_run(stored_import(name, data).pk)
    assert version is not None
    return version


def test_it_agrees_with_kdcore_on_class_and_split_names() -> None:
    assert models.CLASS_NAMES == CLASS_NAMES
    assert models.SPLIT_NAMES == SPLIT_NAMES


def test_it_gives_the_arrays_that_reading_the_upload_gives(stored_import: ImportMaker, media_root: Path) -> None:
    dataset_import = stored_import("faces.zip", emotion_zip())
    version = import_run(dataset_import.pk)
    assert version is not None
    arrays = version_face_arrays(version.pk)
    expected = read_faces(media_root / dataset_import.upload.name)
    assert arrays.fingerprint() == expected.fingerprint()
    assert arrays.names == expected.names
    np.testing.assert_array_equal(arrays.images, expected.images)
    assert arrays.split_counts() == {"train": 4, "val": 1, "test": 1}


def test_it_caches_the_arrays_under_the_versions_fingerprint(stored_import: ImportMaker) -> None:
    version = _imported(stored_import, "fer2013.csv", fer_csv([(3, 10, "Training"), (0, 20, "PrivateTest")]))
    first = version_face_arrays(version.pk)
    path = version_cache_path(version)
    assert path.is_file()
    assert version.fingerprint in path.name
    with mock.patch("worker.datasets.arrays.faces_load", side_effect=AssertionError("decoded again")):
        again = version_face_arrays(version.pk)
    assert again.fingerprint() == first.fingerprint()


def test_it_rebuilds_an_unreadable_cache(stored_import: ImportMaker) -> None:
    version = _imported(stored_import, "fer2013.csv", fer_csv([(3, 10, "Training")]))
    path = version_cache_path(version)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not an npz")
    arrays = version_face_arrays(version.pk)
    assert len(arrays) == 1
    assert arrays.labels.tolist() == [3]
    assert path.stat().st_size > 100
