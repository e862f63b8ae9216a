"""`version_face_arrays`: a dataset version as kdcore `FaceArrays`, the training data a job asks for.

Built from the stored faces once, then cached as `.npz` under `DATASET_CACHE_DIR`, named by the version's
fingerprint: identical versions share one cache file, and a changed version can never hit a stale one.
"""

import logging
import os
import uuid
import zipfile
from pathlib import Path

from kdcore.data import DatasetError, FaceArrays
from webapp.datasets import selectors, storage
from webapp.datasets.models import DatasetVersion
from worker.datasets.faces import faces_load

logger = logging.getLogger(__name__)

_CACHE_READ_ERRORS = (DatasetError, OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile)


def version_cache_path(version: DatasetVersion) -> Path:
    """Where the arrays of `version` are cached (`webapp.datasets.storage` names the file: deleting a version
    removes it)."""
    return storage.version_cache_path(version.fingerprint)


def version_face_arrays(version_id: int) -> FaceArrays:
    """The faces of dataset version `version_id`, sorted by (split, name), labels in kdcore's `CLASS_NAMES` order.

    Images are uint8 [N, S, S] with S the version's `image_size`; names are the upload's file names (or CSV row
    names), so `fingerprint()` equals that of `read_faces` on the original upload.
    """
    version = selectors.dataset_version_get_for_worker(version_id=version_id)
    path = version_cache_path(version)
    cached = _cached(path, expected=version.item_count)
    if cached is not None:
        return cached
    arrays = _build(version)
    _save(arrays, path)
    return arrays


def _cached(path: Path, *, expected: int) -> FaceArrays | None:
    if not path.is_file():
        return None
    try:
        arrays = FaceArrays.load_npz(path)
    except _CACHE_READ_ERRORS as error:
        logger.warning("rebuilding the unreadable dataset cache %s: %s", path, error)
        return None
    return arrays if len(arrays) == expected else None


def _build(version: DatasetVersion) -> FaceArrays:
    rows = selectors.dataset_version_face_rows(version=version)
    images = faces_load([row.sha256 for row in rows])
    records = [(row.name, row.label, row.split, image) for row, image in zip(rows, images, strict=True)]
    return FaceArrays.from_records(records, image_size=version.image_size)


def _save(arrays: FaceArrays, path: Path) -> None:
    """Write under a name of this process's own, then rename: two workers building one cache never mix bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    own = path.with_name(f".{path.stem}-{uuid.uuid4().hex}.npz")
    try:
        arrays.save_npz(own)
        os.replace(own, path)
    finally:
        own.unlink(missing_ok=True)
