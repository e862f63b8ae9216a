"""The RAF-DB "basic" layout: ``[wrapper/]EmoLabel/list_patition_label.txt`` plus ``Image/aligned/*_aligned.jpg``.

The label file (RAF-DB's own spelling, "patition") holds lines like ``train_00001.jpg 5``; the split is the name's
prefix and labels 1-7 follow RAF-DB's order, remapped here onto the canonical FER2013 order.
"""

from dataclasses import dataclass, field
from pathlib import PurePosixPath

import numpy as np

from kdcore.data.arrays import FaceRecord, SkippedItem
from kdcore.data.classes import CLASS_NAMES
from kdcore.data.errors import DatasetError
from kdcore.data.splits import TEST, TRAIN

RAFDB_CLASS_NAMES: tuple[str, ...] = ("surprise", "fear", "disgust", "happy", "sad", "angry", "neutral")
"""RAF-DB basic labels 1-7 in order (its paper says happiness, sadness, anger)."""

_CANONICAL_BY_RAFDB = {number: CLASS_NAMES.index(name) for number, name in enumerate(RAFDB_CLASS_NAMES, start=1)}
_LABEL_FILES = ("list_patition_label.txt", "list_partition_label.txt")
_SPLITS = {"train": TRAIN, "test": TEST}


@dataclass(frozen=True)
class RafdbLabel:
    """One line of the label file: image name as listed (``train_00001.jpg``), canonical label and split code."""

    image: str
    label: int
    split: int


def is_label_file(parts: list[str]) -> bool:
    """Whether a path is ``[wrapper/]EmoLabel/list_patition_label.txt``."""
    return 2 <= len(parts) <= 3 and parts[-2].lower() == "emolabel" and parts[-1].lower() in _LABEL_FILES


def aligned_key(parts: list[str]) -> tuple[tuple[str, ...], str] | None:
    """(wrapper, listed stem) for ``[wrapper/]Image/aligned/<stem>_aligned.<ext>``; None for any other path."""
    if len(parts) not in (3, 4) or [part.lower() for part in parts[-3:-1]] != ["image", "aligned"]:
        return None
    stem = PurePosixPath(parts[-1]).stem
    return tuple(parts[:-3]), stem.removesuffix("_aligned")


def parse_labels(text: str, source: str) -> list[RafdbLabel]:
    """Parse the label file; a bad line raises with its line number rather than dropping an image silently."""
    labels = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            labels.append(_parse_line(line, number, source))
    return labels


def _parse_line(line: str, number: int, source: str) -> RafdbLabel:
    fields = line.split()
    where = f"{source} line {number}"
    if len(fields) != 2:
        raise DatasetError(f"{where}: expected '<image> <label 1-7>', got {line.strip()!r}")
    image, value = fields
    label = int(value) if value.isdigit() else None
    if label not in _CANONICAL_BY_RAFDB:
        names = ", ".join(f"{number} {name}" for number, name in enumerate(RAFDB_CLASS_NAMES, start=1))
        raise DatasetError(f"{where}: unknown label {value!r}, expected 1-7 ({names})")
    split = _SPLITS.get(image.partition("_")[0].lower())
    if split is None:
        raise DatasetError(f"{where}: expected an image name starting with train_ or test_, got {image!r}")
    return RafdbLabel(image, _CANONICAL_BY_RAFDB[label], split)


@dataclass
class RafdbLayout:
    """Collects the label file and aligned images as they stream by (in a tar either may come first)."""

    label_file: str | None = None
    labels: list[RafdbLabel] = field(default_factory=list)
    aligned: dict[tuple[tuple[str, ...], str], str] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        """Whether the source had a RAF-DB label file, which decides the layout."""
        return self.label_file is not None

    def add_label_file(self, name: str, data: bytes) -> None:
        """Parse the label file; raises when a second one turns up, since the pairing would be ambiguous."""
        if self.label_file is not None:
            raise DatasetError(f"expected one RAF-DB label file, got {self.label_file} and {name}")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DatasetError(f"{name}: expected UTF-8 text ({exc})") from exc
        self.label_file = name
        self.labels = parse_labels(text, name)

    def claim(self, name: str, parts: list[str]) -> bool:
        """Record an aligned image path; True when it should be decoded."""
        key = aligned_key(parts)
        if key is not None:
            self.aligned[key] = name
        return key is not None

    def records(
        self, images: dict[str, np.ndarray], failures: dict[str, str]
    ) -> tuple[list[FaceRecord], list[SkippedItem]]:
        """Pair label lines with decoded aligned images; missing or unreadable ones become skipped items."""
        wrapper = tuple(str(self.label_file).split("/")[:-2])
        records, skipped = [], []
        for entry in self.labels:
            stem = PurePosixPath(entry.image).stem
            name = self.aligned.get((wrapper, stem))
            if name is None:
                expected = "/".join((*wrapper, "Image", "aligned", f"{stem}_aligned.jpg"))
                skipped.append(SkippedItem(expected, "missing image listed in the RAF-DB label file"))
            elif name in images:
                records.append((name, entry.label, entry.split, images[name]))
            else:
                skipped.append(SkippedItem(name, failures.get(name, "not read")))
        return records, skipped
