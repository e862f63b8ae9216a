"""Where a recording's files live under MEDIA_ROOT, and how they all go when it is deleted.

`recordings/<id>/` holds the original, the playable copy, the poster and `analyses/<analysis id>/` (per-frame
results, exports, face thumbnails). Nothing of a recording is stored anywhere else, so deleting that folder (and the
part file of an unfinished upload) removes every file of it; a test checks that none remains.
"""

import shutil
from pathlib import Path

from django.conf import settings

UPLOADS_DIR = "recordings/uploads"


def media_path(relative: str) -> Path:
    """The absolute path of a file stored relative to MEDIA_ROOT."""
    return Path(settings.MEDIA_ROOT) / relative


def upload_part_path(upload_id: object) -> Path:
    """Where the bytes of an unfinished upload accumulate."""
    return media_path(f"{UPLOADS_DIR}/{upload_id}.part")


def recording_folder(recording_id: int) -> Path:
    """The absolute folder of one recording's files."""
    return media_path(f"recordings/{recording_id}")


def tree_size(path: Path) -> int:
    """Bytes taken by every file under `path` (0 when it does not exist)."""
    if path.is_file():
        return path.stat().st_size
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file()) if path.is_dir() else 0


def tree_delete(path: Path) -> None:
    """Remove a file or a folder and everything under it; missing is fine."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=False)
    else:
        path.unlink(missing_ok=True)
