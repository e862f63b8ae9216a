"""Walking a directory, zip or tar as one stream of members, with the safety checks archives need.

Tars are read in stream mode (``r|*``), once, in stored order: a compressed tar has no index, so any second pass or
random access would decompress it again. Zips and directories are listed and read in sorted name order.
"""

import lzma
import os
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from kdcore.data.errors import DatasetError
from kdcore.filenames import UnsafePathError, safe_member_name

MAX_MEMBER_BYTES = 64 * 1024 * 1024
"""Members bigger than this are skipped unread: no face image is that big, and it bounds a zip bomb's memory."""


READ_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    zlib.error,
    lzma.LZMAError,
    tarfile.TarError,
    zipfile.BadZipFile,
)
"""What reading one member's bytes can raise: I/O errors, bad CRCs, truncated streams, encrypted or unsupported zip
compression. The member is skipped; a stream that cannot go on fails at the next member with a DatasetError."""


@dataclass(frozen=True)
class Member:
    """One regular file of a source, with its progress position once it has been reached.

    Attributes:
        name: path relative to the source root, ``/``-separated, without ``.`` parts.
        size: size in bytes as the source records it.
        read: returns the bytes; for tars it must be called before the next member is taken.
        done: progress position after this member; units are the source's own (members or compressed bytes).
        total: the position at the end.
    """

    name: str
    size: int
    read: Callable[[], bytes]
    done: int
    total: int

    @property
    def parts(self) -> list[str]:
        """Path components of ``name``."""
        return self.name.split("/")


def safe_name(raw: str) -> str:
    """Normalise an archive member name, refusing ones that could point outside the archive root.

    The reader never writes members to disk, but names flow on into ``FaceArrays.names`` and whatever a caller does
    with them, so absolute paths, drive letters and ``..`` are refused here too (defence in depth).
    """
    try:
        return safe_member_name(raw)
    except UnsafePathError:
        raise DatasetError(f"unsafe archive member {raw!r}: expected a relative path without '..'") from None


def iter_directory(root: Path) -> Generator[Member, None, None]:
    """Files under ``root`` in sorted order; symlinked files are followed, symlinked folders are not (no cycles)."""
    paths = sorted(
        Path(folder, filename)
        for folder, _, filenames in os.walk(root)
        for filename in filenames
        if Path(folder, filename).is_file()
    )
    for index, path in enumerate(paths, start=1):
        name = path.relative_to(root).as_posix()
        yield Member(name, path.stat().st_size, path.read_bytes, index, len(paths))


def iter_zip(path: Path) -> Generator[Member, None, None]:
    """Regular files of a zip in sorted name order; directories and symlink entries are ignored, and of several
    entries with one name only the first stored is read (the Studio's upload check lists the others as skipped)."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DatasetError(f"{path.name} is not a readable zip archive ({exc})") from exc
    with archive:
        first = _first_of_each_name(info for info in archive.infolist() if _is_zip_file(info))
        infos = sorted(first, key=lambda info: info.filename)
        names = [safe_name(info.filename) for info in infos]
        for index, (info, name) in enumerate(zip(infos, names, strict=True), start=1):
            yield Member(name, info.file_size, partial(archive.read, info), index, len(infos))


def _is_zip_file(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16  # Unix mode bits when made on Unix, else 0 (a plain file)
    return not info.is_dir() and (stat.S_IFMT(mode) == 0 or stat.S_ISREG(mode))


def _first_of_each_name(infos: Iterable[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    """The first entry stored under each name: a repeated name would otherwise replace an image already read."""
    first: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        first.setdefault(info.filename, info)
    return list(first.values())


def iter_tar(path: Path) -> Generator[Member, None, None]:
    """Regular files of a tar (plain, .gz, .bz2, .xz) in stored order, streamed in one pass.

    Links, devices and FIFOs are ignored: only regular members carry image bytes, and a link could point anywhere.
    Of several members with one name only the first is read, as for zips.
    Progress is in compressed bytes, the only total known before the stream ends.
    """
    total = path.stat().st_size
    with path.open("rb") as handle:
        try:
            with tarfile.open(fileobj=handle, mode="r|*") as archive:
                yield from _tar_members(archive, handle.tell, total)
        except (tarfile.TarError, lzma.LZMAError, zlib.error, EOFError, OSError) as exc:
            raise DatasetError(f"{path.name} is not a readable tar archive or is truncated ({exc})") from exc


def _tar_members(archive: tarfile.TarFile, position: Callable[[], int], total: int) -> Generator[Member, None, None]:
    seen: set[str] = set()
    for info in archive:
        name = safe_name(info.name)
        if info.isreg() and name not in seen:
            seen.add(name)
            yield Member(name, info.size, partial(_read_tar_member, archive, info), position(), total)


def _read_tar_member(archive: tarfile.TarFile, info: tarfile.TarInfo) -> bytes:
    handle = archive.extractfile(info)
    if handle is None:
        raise OSError(f"tar member {info.name!r} has no data")
    return handle.read()
