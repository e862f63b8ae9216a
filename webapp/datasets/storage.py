"""Where dataset files live under MEDIA_ROOT: uploads as sent, face images once each by content hash.

A face file's name is the sha256 of its pixels, so writing it is idempotent: an import that fails halfway and is
run again, or two teams uploading the same face, write the same bytes to the same place. Rows, not files, say who
may see an image (`FaceImage` is per team), so sharing a file on disk shares nothing between teams.
"""

import os
import re
import tempfile
from pathlib import Path

from django.conf import settings

FACES_DIR = "faces"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def face_relative_path(sha256: str) -> str:
    """`faces/ab/cdef….png` relative to MEDIA_ROOT; two hex digits of fan-out keep folders small."""
    if not _SHA256.match(sha256):
        raise ValueError(f"expected a lowercase hex sha256, got {sha256!r}")
    return f"{FACES_DIR}/{sha256[:2]}/{sha256[2:]}.png"


def face_path(sha256: str) -> Path:
    """The absolute path of a face image's PNG."""
    return Path(settings.MEDIA_ROOT) / face_relative_path(sha256)


def face_file_write(*, sha256: str, png: bytes) -> bool:
    """Store a face's PNG unless it is already there; True when this call wrote it.

    Written to a temporary file and renamed, so a reader never sees half a file and a crash leaves none.
    """
    path = face_path(sha256)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".png")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(png)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def version_cache_path(fingerprint: str) -> Path:
    """Where the worker caches a version's training arrays (`.npz`): named by the fingerprint, so identical versions
    share one file and a changed version never hits a stale one. Safe to delete: it is rebuilt on demand."""
    return Path(settings.DATASET_CACHE_DIR) / f"dataset-version-{fingerprint}.npz"


def upload_absolute_path(relative: str) -> Path:
    """The absolute path of a stored upload (a `DatasetImport.upload` name)."""
    return Path(settings.MEDIA_ROOT) / relative
