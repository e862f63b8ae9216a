"""File-name rules shared by kdcore's readers and the web app's upload checks (stdlib only, so the web process
can import it without loading numpy, Pillow or torch).

One list of the image extensions readers decode, and one rule for archive member names that could point outside
the archive: the upload check and the reader must never disagree on either.
"""

import re
from pathlib import PurePosixPath

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".pgm", ".ppm"})
_DRIVE = re.compile(r"^[A-Za-z]:")


class UnsafePathError(ValueError):
    """An archive member name that is absolute, has a drive letter, or climbs out with ``..``."""


def is_image_name(filename: str) -> bool:
    """Whether a file name has an image extension (case-insensitive)."""
    return PurePosixPath(filename.lower()).suffix in IMAGE_EXTENSIONS


def safe_member_name(raw: str) -> str:
    """Normalise an archive member name (``\\`` → ``/``, no empty or ``.`` parts), refusing unsafe ones.

    Raises:
        UnsafePathError: for absolute paths, drive letters and ``..`` anywhere in the path.
    """
    name = raw.replace("\\", "/")
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if name.startswith("/") or _DRIVE.match(name) or ".." in parts:
        raise UnsafePathError(f"unsafe path {raw!r}: expected a relative path without '..'")
    return "/".join(parts)
