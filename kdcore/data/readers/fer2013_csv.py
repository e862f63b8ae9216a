"""FER2013 as Kaggle's ``fer2013.csv``: ``emotion,pixels,Usage``, one 48x48 face per row.

Rows are data, not files, so a malformed row is an error with its row number rather than a skipped item: a bad
row means a damaged or different file, and training on the rest would hide that.
"""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image

from kdcore.data.arrays import FaceArrays, FaceRecord
from kdcore.data.classes import CLASS_NAMES
from kdcore.data.errors import DatasetError
from kdcore.data.readers._collect import Progress
from kdcore.data.readers._images import resize_gray
from kdcore.data.splits import fer_usage_split

FER2013_SIZE = 48
CSV_COLUMNS: tuple[str, ...] = ("emotion", "pixels", "Usage")

_PROGRESS_EVERY = 1024


def read_fer2013_csv(
    path: str | Path, *, image_size: int = FER2013_SIZE, progress: Progress | None = None
) -> FaceArrays:
    """Read a FER2013 CSV into ``FaceArrays``; Usage Training/PublicTest/PrivateTest become train/val/test.

    Rows are named ``row-00000001`` (1-based data row), so sorting by name keeps file order within a split.
    ``progress(done, total)`` reports bytes of the file read.

    Raises:
        DatasetError: wrong header, wrong field or pixel count, pixel out of 0-255, unknown label or Usage.
    """
    path = Path(path)
    total = path.stat().st_size
    records = []
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        for index, record in enumerate(_records(csv.reader(text), image_size), start=1):
            records.append(record)
            if progress is not None and index % _PROGRESS_EVERY == 0:
                progress(raw.tell(), total)
    if progress is not None:
        progress(total, total)
    return FaceArrays.from_records(records, image_size=image_size)


def _records(rows: Iterator[list[str]], image_size: int) -> Iterator[FaceRecord]:
    columns = _columns(next(rows, None))
    for row_number, row in enumerate(rows, start=1):
        if not row:
            continue
        where = f"row {row_number} (line {row_number + 1})"
        if len(row) != len(CSV_COLUMNS):
            raise DatasetError(f"{where}: expected {len(CSV_COLUMNS)} fields, got {len(row)}")
        label = _label(row[columns[0]], where)
        pixels = _pixels(row[columns[1]], where)
        split = _split(row[columns[2]], where)
        yield f"row-{row_number:08d}", label, split, _resized(pixels, image_size)


def _columns(header: list[str] | None) -> tuple[int, int, int]:
    """Column positions of emotion, pixels and Usage, matched case-insensitively in any order."""
    names = [name.strip().lower() for name in header or []]
    expected = [name.lower() for name in CSV_COLUMNS]
    if sorted(names) != sorted(expected):
        got = ",".join(header) if header else "an empty file"
        raise DatasetError(f"expected header {','.join(CSV_COLUMNS)}, got {got}")
    return names.index(expected[0]), names.index(expected[1]), names.index(expected[2])


def _label(value: str, where: str) -> int:
    value = value.strip()
    if not value.isdigit() or int(value) >= len(CLASS_NAMES):
        names = ", ".join(f"{index} {name}" for index, name in enumerate(CLASS_NAMES))
        raise DatasetError(f"{where}: unknown label {value!r}, expected 0-{len(CLASS_NAMES) - 1} ({names})")
    return int(value)


def _pixels(value: str, where: str) -> np.ndarray:
    # numpy's C text parser is ~5x faster than split() + int(); numpy 2 raises ValueError on a bad token (older
    # versions stop early, which the count check below still reports).
    try:
        pixels = np.fromstring(value, dtype=np.int64, sep=" ")
    except (ValueError, OverflowError) as exc:
        raise DatasetError(f"{where}: expected space-separated integer pixels ({exc})") from exc
    if pixels.size != FER2013_SIZE * FER2013_SIZE:
        raise DatasetError(f"{where}: expected {FER2013_SIZE * FER2013_SIZE} pixels (48x48), got {pixels.size}")
    if pixels.size and (pixels.min() < 0 or pixels.max() > 255):
        raise DatasetError(f"{where}: expected pixels in 0-255, got {pixels.min()}..{pixels.max()}")
    return pixels.astype(np.uint8).reshape(FER2013_SIZE, FER2013_SIZE)


def _split(value: str, where: str) -> int:
    split = fer_usage_split(value)
    if split is None:
        raise DatasetError(f"{where}: unknown Usage {value!r}, expected Training, PublicTest or PrivateTest")
    return split


def _resized(pixels: np.ndarray, image_size: int) -> np.ndarray:
    if image_size == FER2013_SIZE:
        return pixels
    return np.asarray(resize_gray(Image.fromarray(pixels), image_size), dtype=np.uint8)
