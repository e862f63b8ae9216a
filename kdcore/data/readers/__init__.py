"""``read_faces``: one entry point that sniffs a dataset's format and returns ``FaceArrays``.

Readers use only numpy and Pillow, so importing them (for example in the web process that validates an upload)
stays fast and never loads torch.
"""

import tarfile
import zipfile
from collections.abc import Generator
from pathlib import Path

from kdcore.data.arrays import FaceArrays
from kdcore.data.errors import DatasetError
from kdcore.data.readers._collect import Progress, read_members
from kdcore.data.readers._sources import Member, iter_directory, iter_tar, iter_zip
from kdcore.data.readers.fer2013_csv import read_fer2013_csv

__all__ = ["Progress", "read_faces", "read_fer2013_csv"]

_EXPECTED = (
    "expected a FER2013 .csv, or a directory, .zip or .tar(.gz/.bz2/.xz) holding emotion folders "
    "([train|val|test/]<emotion>/<image>) or RAF-DB (EmoLabel/list_patition_label.txt, Image/aligned/)"
)


def read_faces(path: str | Path, *, image_size: int = 48, progress: Progress | None = None) -> FaceArrays:
    """Read a face dataset from a FER2013 CSV, emotion folders or RAF-DB, as a directory, zip or tar.

    The format is sniffed: a ``.csv`` file is FER2013; a directory or archive holding
    ``EmoLabel/list_patition_label.txt`` is RAF-DB; anything else must be folders named by emotion. Archives may
    wrap everything in one top folder. Images become grayscale uint8 [N, image_size, image_size]; labels use the
    canonical ``CLASS_NAMES``; items are sorted by (split, name). Unreadable images are skipped and listed in
    ``skipped``.

    Args:
        path: the CSV file, directory or archive.
        image_size: side S of the square output images; FER2013's native 48 keeps its pixels untouched.
        progress: called as ``progress(done, total)`` while reading; the units are the source's (members for
            directories and zips, bytes for CSVs and tars, whose member count is unknown until the end), so show
            ``done / total``.

    Raises:
        DatasetError: for an unsupported or unsafe source, malformed labels, unknown emotion folders, or no images.
    """
    if image_size < 1:
        raise ValueError(f"image_size must be positive, got {image_size}")
    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".csv":
        arrays = read_fer2013_csv(path, image_size=image_size, progress=progress)
    else:
        arrays = read_members(_members(path), image_size=image_size, progress=progress)
    if not len(arrays):
        raise DatasetError(_empty_message(path, arrays))
    return arrays


def _members(path: Path) -> Generator[Member, None, None]:
    if path.is_dir():
        return iter_directory(path)
    if not path.is_file():
        raise DatasetError(f"{path} does not exist; {_EXPECTED}")
    if zipfile.is_zipfile(path):
        return iter_zip(path)
    if tarfile.is_tarfile(path):
        return iter_tar(path)
    raise DatasetError(f"unsupported file type {path.name!r}; {_EXPECTED}")


def _empty_message(path: Path, arrays: FaceArrays) -> str:
    if arrays.skipped:
        first = arrays.skipped[0]
        return f"no readable images in {path.name}: {len(arrays.skipped)} skipped, e.g. {first.name}: {first.reason}"
    return f"no images found in {path.name}; {_EXPECTED}"
