"""One pass over a source's members that decodes what either image layout claims, then lets the data pick the layout.

A streamed tar cannot be listed before it is read, so both layouts watch every member: RAF-DB wins when its label
file turned up, emotion folders otherwise. Only claimed images are decoded, so RAF-DB's large ``Image/original``
photos and files in unknown folders cost nothing but their decompression.
"""

from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import dataclass, field

import numpy as np

from kdcore.data.arrays import FaceArrays
from kdcore.data.errors import DatasetError
from kdcore.data.readers._images import UnreadableImageError, decode_gray, is_image_name
from kdcore.data.readers._sources import MAX_MEMBER_BYTES, READ_ERRORS, Member
from kdcore.data.readers.folders import FolderLayout
from kdcore.data.readers.rafdb import RafdbLayout, is_label_file

Progress = Callable[[int, int], None]

_PROGRESS_EVERY = 256
_IGNORED_FOLDERS = frozenset({"__macosx"})


def read_members(
    members: Generator[Member, None, None], *, image_size: int, progress: Progress | None = None
) -> FaceArrays:
    """Decode the images of a directory, zip or tar stream into sorted ``FaceArrays`` (see ``read_faces``)."""
    collector = _Collector(image_size)
    last: Member | None = None
    with closing(members):
        for index, member in enumerate(members, start=1):
            collector.take(member)
            last = member
            if progress is not None and index % _PROGRESS_EVERY == 0:
                progress(member.done, member.total)
    if progress is not None and last is not None:
        progress(last.total, last.total)
    return collector.arrays()


def is_ignored(parts: list[str]) -> bool:
    """Hidden files and folders (``.DS_Store``, ``._x.jpg``, ``.git``) and macOS zip metadata are never data."""
    return any(part.startswith(".") or part.lower() in _IGNORED_FOLDERS for part in parts)


@dataclass
class _Collector:
    image_size: int
    folders: FolderLayout = field(default_factory=FolderLayout)
    rafdb: RafdbLayout = field(default_factory=RafdbLayout)
    images: dict[str, np.ndarray] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    saw_emolabel: bool = False

    def take(self, member: Member) -> None:
        parts = member.parts
        if is_ignored(parts):
            return
        self.saw_emolabel = self.saw_emolabel or any(part.lower() == "emolabel" for part in parts[:-1])
        if is_label_file(parts):
            self.rafdb.add_label_file(member.name, self._read_text(member))
        elif is_image_name(parts[-1]) and (
            self.rafdb.claim(member.name, parts) or self.folders.claim(member.name, parts)
        ):
            self._decode(member)

    def arrays(self) -> FaceArrays:
        if self.saw_emolabel and not self.rafdb.found:
            raise DatasetError("found an EmoLabel/ folder but no EmoLabel/list_patition_label.txt, which RAF-DB needs")
        layout = self.rafdb if self.rafdb.found else self.folders
        records, skipped = layout.records(self.images, self.failures)
        return FaceArrays.from_records(records, image_size=self.image_size, skipped=skipped)

    def _decode(self, member: Member) -> None:
        if member.size > MAX_MEMBER_BYTES:
            self.failures[member.name] = f"larger than {MAX_MEMBER_BYTES} bytes ({member.size})"
            return
        try:
            self.images[member.name] = decode_gray(member.read(), self.image_size)
        except READ_ERRORS as exc:
            self.failures[member.name] = f"unreadable file ({type(exc).__name__}: {exc})"
        except UnreadableImageError as exc:
            self.failures[member.name] = str(exc)

    def _read_text(self, member: Member) -> bytes:
        if member.size > MAX_MEMBER_BYTES:
            raise DatasetError(f"{member.name}: expected a small text file, got {member.size} bytes")
        try:
            return member.read()
        except READ_ERRORS as exc:
            raise DatasetError(f"{member.name}: could not be read ({exc})") from exc
