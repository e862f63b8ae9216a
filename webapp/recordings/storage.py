"""Where a recording's files live under MEDIA_ROOT, and how they all go when it is deleted.

`recordings/<id>/` holds the original, the playable copy, the poster and `analyses/<analysis id>/` (per-frame
results, exports, face thumbnails). Nothing of a recording is stored anywhere else, so deleting that folder (and the
part file of an unfinished upload) removes every file of it; a test checks that none remains.
"""

from pathlib import Path

from django.conf import settings

from webapp.system.disk import tree_delete, tree_size

__all__ = ["UPLOADS_DIR", "media_path", "recording_folder", "tree_delete", "tree_size", "upload_part_path"]

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
