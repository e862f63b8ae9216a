"""Writes of the datasets app: uploads and imports, versions, and face files."""

from webapp.datasets.services.deletion import dataset_delete, dataset_version_delete
from webapp.datasets.services.imports import (
    IMPORTS,
    ImportLifecycle,
    archive_limits,
    dataset_create,
    dataset_import_complete,
    dataset_import_create,
    dataset_import_fail,
    dataset_import_heartbeat,
    dataset_import_progress,
    dataset_import_reap_stale,
    dataset_import_retry,
    dataset_import_start,
    dataset_upload_create,
)
from webapp.datasets.services.versions import FaceRow, dataset_version_create_from, version_fingerprint
from webapp.datasets.storage import face_file_write

__all__ = [
    "IMPORTS",
    "FaceRow",
    "ImportLifecycle",
    "archive_limits",
    "dataset_create",
    "dataset_delete",
    "dataset_import_complete",
    "dataset_import_create",
    "dataset_import_fail",
    "dataset_import_heartbeat",
    "dataset_import_progress",
    "dataset_import_reap_stale",
    "dataset_import_retry",
    "dataset_import_start",
    "dataset_upload_create",
    "dataset_version_create_from",
    "dataset_version_delete",
    "face_file_write",
    "version_fingerprint",
]
