"""``FaceArrays``: a whole face dataset as a few numpy arrays, the one output of every reader.

FER-sized datasets (35k images of 48x48) fit in under 100 MB, so readers decode everything once into arrays;
training then indexes memory instead of re-decoding JPEGs every epoch, and the arrays cache to a single ``.npz``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from kdcore.data.classes import CLASS_NAMES
from kdcore.data.errors import DatasetError
from kdcore.data.splits import SPLIT_NAMES, split_code

_NPZ_FORMAT = 1

FaceRecord = tuple[str, int, int, np.ndarray]
"""One decoded image as readers produce it: (name, label, split code, uint8 image [S, S])."""


@dataclass(frozen=True)
class SkippedItem:
    """A source file left out of the arrays (corrupt image, missing file), with the reason a user can act on."""

    name: str
    reason: str


@dataclass(frozen=True, eq=False)
class FaceArrays:
    """Grayscale face images with labels and splits, sorted by (split, name) so every read has the same order.

    Attributes:
        images: uint8 [N, S, S] grayscale images.
        labels: int64 [N] indices into ``class_names``.
        splits: uint8 [N] codes into ``SPLIT_NAMES`` (0 train, 1 val, 2 test).
        names: source-relative file names (or ``row-00000001`` for CSV rows); stable across reads.
        class_names: the class order of ``labels``; always the canonical ``CLASS_NAMES`` from readers.
        skipped: files left out of this read and why; subsets made by ``split`` carry none.
    """

    images: np.ndarray
    labels: np.ndarray
    splits: np.ndarray
    names: list[str]
    class_names: tuple[str, ...] = CLASS_NAMES
    skipped: list[SkippedItem] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.images.ndim != 3 or self.images.dtype != np.uint8 or self.images.shape[1] != self.images.shape[2]:
            raise ValueError(f"images must be uint8 [N, S, S], got {self.images.dtype} {list(self.images.shape)}")
        sizes = {len(self.images), len(self.labels), len(self.splits), len(self.names)}
        if len(sizes) != 1:
            raise ValueError(f"images, labels, splits and names must have one length, got {sorted(sizes)}")

    @classmethod
    def from_records(
        cls, records: Iterable[FaceRecord], *, image_size: int, skipped: Iterable[SkippedItem] = ()
    ) -> FaceArrays:
        """Stack reader records into arrays sorted by (split, name), whatever order the source listed them in."""
        ordered = sorted(records, key=lambda record: (record[2], record[0]))
        images = np.empty((len(ordered), image_size, image_size), dtype=np.uint8)
        for index, record in enumerate(ordered):
            images[index] = record[3]
        return cls(
            images=images,
            labels=np.array([record[1] for record in ordered], dtype=np.int64),
            splits=np.array([record[2] for record in ordered], dtype=np.uint8),
            names=[record[0] for record in ordered],
            skipped=sorted(skipped, key=lambda item: item.name),
        )

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def image_size(self) -> int:
        """Side S of the square images."""
        return int(self.images.shape[1])

    def split(self, name: str) -> FaceArrays:
        """The subset in one split (``train``, ``val`` or ``test``), in the same order."""
        return self.subset(self.splits == split_code(name))

    def subset(self, mask: np.ndarray) -> FaceArrays:
        """The items where the boolean ``mask`` [N] is true; ``skipped`` stays with the full read."""
        return FaceArrays(
            images=self.images[mask],
            labels=self.labels[mask],
            splits=self.splits[mask],
            names=[name for name, keep in zip(self.names, mask, strict=True) if keep],
            class_names=self.class_names,
        )

    def with_splits(self, splits: np.ndarray) -> FaceArrays:
        """A copy with new split codes, re-sorted by (split, name) to keep the order invariant."""
        order = sorted(range(len(self)), key=lambda index: (int(splits[index]), self.names[index]))
        return replace(
            self,
            images=self.images[order],
            labels=self.labels[order],
            splits=np.asarray(splits, dtype=np.uint8)[order],
            names=[self.names[index] for index in order],
        )

    def class_counts(self) -> dict[str, int]:
        """Images per class, in class order; plain ints so the dict can go straight into JSON."""
        counts = np.bincount(self.labels, minlength=len(self.class_names))
        return {name: int(count) for name, count in zip(self.class_names, counts, strict=True)}

    def split_counts(self) -> dict[str, int]:
        """Images per split, always with all three split names."""
        counts = np.bincount(self.splits, minlength=len(SPLIT_NAMES))
        return {name: int(count) for name, count in zip(SPLIT_NAMES, counts, strict=True)}

    def fingerprint(self) -> str:
        """sha256 hex digest of sizes, class names, labels, splits and pixels.

        Names are left out, so the same images re-packaged under other file names keep their fingerprint; any
        change to a pixel, label or split changes it. Runs record it to prove which data they were trained on.
        """
        digest = hashlib.sha256()
        header = f"kdcore.FaceArrays|{len(self)}|{self.image_size}|{','.join(self.class_names)}|{','.join(SPLIT_NAMES)}"
        digest.update(header.encode())
        digest.update(self.labels.astype("<i8").tobytes())
        digest.update(self.splits.astype(np.uint8).tobytes())
        digest.update(np.ascontiguousarray(self.images).tobytes())
        return digest.hexdigest()

    def save_npz(self, path: str | Path) -> None:
        """Write an uncompressed ``.npz`` cache (fast to load; JPEG-sourced pixels barely compress anyway).

        Writes to a temporary file and renames it, so an interrupted save never leaves a truncated cache behind.
        """
        path = Path(path)
        temporary = path.with_name(path.name + ".tmp")
        with temporary.open("wb") as handle:
            np.savez(handle, allow_pickle=False, **self._npz_fields())
        os.replace(temporary, path)

    @classmethod
    def load_npz(cls, path: str | Path) -> FaceArrays:
        """Read a cache written by ``save_npz``; never unpickles, so a foreign file cannot run code.

        Raises:
            DatasetError: when the file is not a cache of this format (stale or foreign), so callers can rebuild it.
        """
        with np.load(Path(path), allow_pickle=False) as data:
            fields = {key: data[key] for key in data.files}
        try:
            return cls._from_npz_fields(fields)
        except (KeyError, TypeError, ValueError) as exc:
            raise DatasetError(f"{path} is not a FaceArrays cache of format {_NPZ_FORMAT} ({exc!r})") from exc

    @classmethod
    def _from_npz_fields(cls, fields: dict[str, np.ndarray]) -> FaceArrays:
        if int(fields["format"]) != _NPZ_FORMAT or tuple(fields["split_names"].tolist()) != SPLIT_NAMES:
            raise ValueError(f"format {fields['format']}, splits {fields['split_names']}")
        skipped = zip(fields["skipped_names"].tolist(), fields["skipped_reasons"].tolist(), strict=True)
        return cls(
            images=fields["images"],
            labels=fields["labels"].astype(np.int64),
            splits=fields["splits"].astype(np.uint8),
            names=fields["names"].tolist(),
            class_names=tuple(fields["class_names"].tolist()),
            skipped=[SkippedItem(name, reason) for name, reason in skipped],
        )

    def _npz_fields(self) -> dict[str, np.ndarray]:
        return {
            "format": np.array(_NPZ_FORMAT),
            "images": self.images,
            "labels": self.labels,
            "splits": self.splits,
            "names": np.array(self.names, dtype=str),
            "class_names": np.array(self.class_names, dtype=str),
            "split_names": np.array(SPLIT_NAMES, dtype=str),
            "skipped_names": np.array([item.name for item in self.skipped], dtype=str),
            "skipped_reasons": np.array([item.reason for item in self.skipped], dtype=str),
        }


def split_checksum(arrays: FaceArrays, split: str) -> str:
    """sha256 hex of one split's shape, uint8 pixels and int64 labels, in stored order.

    Soft targets saved for a split carry it, so a consumer can check its arrays hold the same images and labels.
    """
    part = arrays.split(split)
    digest = hashlib.sha256(f"kdcore.split|{split}|{part.images.shape}".encode())
    digest.update(np.ascontiguousarray(part.images, dtype=np.uint8).tobytes())
    digest.update(part.labels.astype("<i8").tobytes())
    return digest.hexdigest()
