"""The "folders named by emotion" layout: ``[wrapper/][split/]<emotion>/<image>``.

This is how FER2013 is re-packaged on Kaggle (``train/angry/Training_123.jpg``) and how users zip their own data, so
the rules are permissive about names (synonyms, case) but strict about structure: a folder that is not an emotion is
an error listing every such folder, never a silently dropped class.
"""

from dataclasses import dataclass, field

import numpy as np

from kdcore.data.arrays import FaceRecord, SkippedItem
from kdcore.data.classes import describe_emotion_names, emotion_index
from kdcore.data.errors import DatasetError
from kdcore.data.splits import TRAIN, fer_filename_split, folder_split

_MAX_LISTED = 20


@dataclass(frozen=True)
class FolderPlace:
    """Where an image path puts an image: its class (None when the parent is no emotion), split and wrapper folders."""

    label: int | None
    split: int
    wrapper: tuple[str, ...]


def place_image(parts: list[str]) -> FolderPlace:
    """Read class and split from an image path's folders.

    The parent folder is the emotion. The folder above it is the split when it is named like one (train, val,
    validation, test); otherwise everything above the emotion is a wrapper and the split is train. A FER2013
    ``PublicTest_``/``PrivateTest_`` file-name prefix outranks the folder.
    """
    *folders, filename = parts
    label = emotion_index(folders[-1]) if folders else None
    above = folders[:-1]
    split = folder_split(above[-1]) if above else None
    if split is not None:
        above = above[:-1]
    prefix_split = fer_filename_split(filename)
    if prefix_split is not None:
        split = prefix_split
    return FolderPlace(label, TRAIN if split is None else split, tuple(above))


@dataclass
class FolderLayout:
    """Collects image paths as they stream by, then turns decoded images into records or one clear error."""

    places: dict[str, FolderPlace] = field(default_factory=dict)
    unknown: dict[str, str] = field(default_factory=dict)
    wrappers: dict[tuple[str, ...], str] = field(default_factory=dict)

    def claim(self, name: str, parts: list[str]) -> bool:
        """Record an image path; True when it should be decoded (its parent folder is an emotion)."""
        place = place_image(parts)
        if place.label is None:
            self.unknown.setdefault(parts[-2] if len(parts) > 1 else ".", name)
            return False
        self.wrappers.setdefault(place.wrapper, name)
        self.places[name] = place
        return True

    def records(
        self, images: dict[str, np.ndarray], failures: dict[str, str]
    ) -> tuple[list[FaceRecord], list[SkippedItem]]:
        """Records for every decoded image; failed ones become skipped items.

        Raises:
            DatasetError: for unknown emotion folders, or for images at more than one wrapper path.
        """
        self._check_structure()
        records = [
            (name, place.label, place.split, images[name])
            for name, place in self.places.items()
            if name in images and place.label is not None
        ]
        skipped = [SkippedItem(name, failures[name]) for name in self.places if name in failures]
        return records, skipped

    def _check_structure(self) -> None:
        if self.unknown:
            folders = ", ".join(f"{folder!r} ({path})" for folder, path in sorted(self.unknown.items())[:_MAX_LISTED])
            more = f" and {len(self.unknown) - _MAX_LISTED} more" if len(self.unknown) > _MAX_LISTED else ""
            raise DatasetError(
                f"unknown emotion folders: {folders}{more}; expected images in folders named "
                f"{describe_emotion_names()}, optionally inside train/, val/ or test/"
            )
        if len(self.wrappers) > 1 or any(len(wrapper) > 1 for wrapper in self.wrappers):
            examples = ", ".join(sorted(self.wrappers.values())[:_MAX_LISTED])
            raise DatasetError(
                "expected [top folder/][train|val|test/]<emotion>/<image> with at most one top folder, "
                f"got images at several depths or top folders: {examples}"
            )
