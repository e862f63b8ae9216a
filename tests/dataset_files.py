"""Small dataset uploads built in memory (zips, tars, CSVs of tiny faces) and the fixtures that store them.

Shared by the datasets tests of webapp, worker and the browser. Images are flat grey squares: each grey level is
a distinct face, so tests can tell exactly which faces were stored.
"""

import hashlib
import io
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

Files = dict[str, bytes]


def face_png(value: int, *, size: int = 48) -> bytes:
    """A flat grey face PNG."""
    buffer = io.BytesIO()
    Image.new("L", (size, size), value).save(buffer, format="PNG")
    return buffer.getvalue()


def face_hash(value: int, *, size: int = 48) -> str:
    """The content hash the importer gives `face_png(value)` (sha256 of shape and pixels)."""
    return hashlib.sha256(b"L%dx%d:" % (size, size) + bytes([value]) * size * size).hexdigest()


def zip_bytes(files: Files) -> bytes:
    """A zip holding `files` under their names, verbatim (so unsafe names can be tested).

    Members carry a fixed date, so the same files always give the same bytes (the clock never leaks into a test).
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def tar_bytes(files: Files, *, mode: str = "w:gz") -> bytes:
    """A tar (gzip by default) holding `files` under their names, verbatim."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:  # type: ignore[call-overload]  # typeshed wants a literal
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def fer_csv(rows: list[tuple[int, int, str]], *, header: str = "emotion,pixels,Usage") -> bytes:
    """A FER2013 CSV of flat faces: rows of (label, grey value, Usage)."""
    lines = [header, *(f"{label},{' '.join([str(value)] * 2304)},{usage}" for label, value, usage in rows)]
    return ("\n".join(lines) + "\n").encode()


EMOTION_FILES: Files = {
    "faces/train/angry/a1.png": face_png(10),
    "faces/train/angry/a2.png": face_png(20),
    "faces/train/happy/h1.png": face_png(30),
    "faces/train/happy/h1-copy.png": face_png(30),  # the same face twice: stored once
    "faces/val/neutral/n1.png": face_png(40),
    "faces/test/sad/s1.png": face_png(50),
    "faces/train/angry/broken.jpg": b"not a jpeg at all",
    "faces/README.txt": b"faces of our lab, 2024",
}
"""Six faces (five distinct) in emotion folders, one corrupt image and one text file: both skipped and listed."""


def emotion_zip() -> bytes:
    """`EMOTION_FILES` as a zip."""
    return zip_bytes(EMOTION_FILES)


def rafdb_zip() -> bytes:
    """A tiny RAF-DB basic layout: labels 1-7 are RAF-DB's (4 happy, 7 neutral, 1 surprise)."""
    return zip_bytes(
        {
            "basic/EmoLabel/list_patition_label.txt": b"train_00001.jpg 4\ntrain_00002.jpg 7\ntest_0001.jpg 1\n",
            "basic/Image/aligned/train_00001_aligned.png": face_png(60, size=100),
            "basic/Image/aligned/train_00002_aligned.png": face_png(70, size=100),
            "basic/Image/aligned/test_0001_aligned.png": face_png(80, size=100),
        }
    )


def uploaded(name: str, data: bytes) -> SimpleUploadedFile:
    """An uploaded file as a view or service receives it."""
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def media_root(tmp_path: Path) -> Iterator[Path]:
    """A fresh MEDIA_ROOT and dataset cache for one test, so stored files never leak between tests."""
    media, cache = tmp_path / "media", tmp_path / "cache"
    with override_settings(MEDIA_ROOT=str(media), DATASET_CACHE_DIR=str(cache)):
        yield media
