"""Generated face datasets for the reader tests: small images written into tmp_path as trees, zips and tars."""

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

Files = dict[str, bytes]


def encode_image(value: int, *, size: int = 48, mode: str = "L", image_format: str = "PNG") -> bytes:
    """A flat image of one grey level (or an RGB triple derived from it), PNG by default so pixels stay exact."""
    color = value if mode == "L" else (value, 255 - value, value // 2)
    buffer = io.BytesIO()
    Image.new(mode, (size, size), color).save(buffer, format=image_format)
    return buffer.getvalue()


def open_compressed(path: Path, compression: str) -> io.BufferedIOBase:
    """A binary writer compressing like ``tar -z``/``-j``/``-J``, so tars can be written member by member."""
    if compression == "gz":
        return gzip.GzipFile(path, "wb")
    if compression == "bz2":
        return bz2.BZ2File(path, "wb")
    return lzma.LZMAFile(path, "wb")


@pytest.fixture
def image_bytes() -> Callable[..., bytes]:
    """``image_bytes(value, size=48, mode="L", image_format="PNG")``."""
    return encode_image


@pytest.fixture
def fer_files() -> Files:
    """A FER2013-style tree: train/ by folder, test/ split into val and test by the file-name prefix."""
    names = [
        "train/angry/Training_2.jpg",
        "train/angry/Training_1.jpg",
        "train/happy/Training_3.jpg",
        "train/neutral/Training_4.jpg",
        "test/angry/PublicTest_5.jpg",
        "test/sad/PrivateTest_6.jpg",
        "test/happy/PrivateTest_7.jpg",
    ]
    return {name: encode_image(20 * index, image_format="JPEG") for index, name in enumerate(names)}


@pytest.fixture
def write_tree(tmp_path: Path) -> Callable[[Files], Path]:
    """Write files under a fresh directory and return it."""

    def write(files: Files) -> Path:
        root = tmp_path / f"tree{len(list(tmp_path.iterdir()))}"
        for name, data in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        root.mkdir(exist_ok=True)
        return root

    return write


@pytest.fixture
def write_zip(tmp_path: Path) -> Callable[[Files], Path]:
    """Write files into a zip (names used verbatim, so unsafe ones can be tested) and return its path."""

    def write(files: Files) -> Path:
        path = tmp_path / f"faces{len(list(tmp_path.iterdir()))}.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        return path

    return write


@pytest.fixture
def write_tar(tmp_path: Path) -> Callable[..., Path]:
    """``write_tar(files, compression="gz")``: a tar with the members in the given order; returns its path."""

    def write(files: Files, compression: str = "gz") -> Path:
        path = tmp_path / f"faces{len(list(tmp_path.iterdir()))}.tar.{compression}"
        with open_compressed(path, compression) as handle, tarfile.open(fileobj=handle, mode="w") as archive:
            for name, data in files.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
        return path

    return write
