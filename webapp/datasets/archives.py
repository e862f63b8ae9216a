"""Safety checks on an upload, run in the web process before anything is stored or queued (stdlib only).

A zip is judged by its central directory alone; a tar has no directory, so its headers are streamed and the walk
stops the moment a limit is crossed, which bounds the decompression work a tar bomb can cause to the limit itself.
Decoding the images is the worker's job: here only names, sizes and counts are read.
"""

import stat
import tarfile
import zipfile
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError

from kdcore.filenames import UnsafePathError, is_image_name, safe_member_name
from webapp.datasets.models import DatasetImport

EXPECTED = (
    "expected a FER2013 .csv (emotion,pixels,Usage), or a .zip or .tar(.gz/.bz2/.xz) of folders named by emotion "
    "([train|val|test/]<emotion>/<image>) or in the RAF-DB basic layout (EmoLabel/list_patition_label.txt, "
    "Image/aligned/)"
)
_RATIO_FLOOR = 1024 * 1024  # members smaller than this are never bombs, whatever their ratio
_MB = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """What one upload may unpack to: total bytes, regular files, and bytes unpacked per byte stored."""

    max_bytes: int
    max_members: int
    max_ratio: int


# Why an archive entry is left out of the import, as the import report says it.
NOT_AN_IMAGE = "not an image file"
A_LINK = "a link, not a file: links are never followed"
A_SPECIAL_FILE = "a device or pipe, not a file"
A_REPEATED_NAME = "a second entry with this name: only the first is read"


@dataclass
class UploadSummary:
    """What the checks learned: the kind of upload and, for archives, its files and the entries the import leaves out
    (`skipped`: (name, reason), at most `DatasetImport.SKIPPED_LISTED` of the `skipped_count`)."""

    kind: str
    members: int = 0
    unpacked_bytes: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    skipped_count: int = 0


def upload_inspect(file: IO[bytes], *, name: str, size: int, limits: ArchiveLimits) -> UploadSummary:
    """Sniff the upload's kind and check an archive against `limits`.

    Raises:
        ValidationError: on `file`, with a message that says what was expected and what arrived.
    """
    if size == 0:
        raise _invalid(f"{name} is empty; {EXPECTED}")
    file.seek(0)
    if name.lower().endswith(".csv"):
        return _inspect_csv(file, name)
    if zipfile.is_zipfile(file):
        return _inspect_zip(file, name=name, size=size, limits=limits)
    file.seek(0)
    return _inspect_tar(file, name=name, size=size, limits=limits)


def _invalid(message: str) -> ValidationError:
    return ValidationError({"file": f"{message}. Nothing was imported."})


def _inspect_csv(file: IO[bytes], name: str) -> UploadSummary:
    if b"\x00" in file.read(64 * 1024):
        raise _invalid(f"{name} is not a text file; {EXPECTED}")
    return UploadSummary(kind=DatasetImport.Kind.CSV)


def check_member_name(raw: str) -> str:
    """The member's normalised path, or a ValidationError when it could point outside the archive."""
    try:
        return safe_member_name(raw)
    except UnsafePathError:
        raise _invalid(f"The archive holds an unsafe path {raw!r}: expected relative paths without '..'") from None


class _Tally:
    """Counts regular files and their sizes as they are listed, failing at the first limit crossed."""

    def __init__(self, summary: UploadSummary, *, name: str, size: int, limits: ArchiveLimits) -> None:
        self.summary, self.name, self.limits = summary, name, limits
        self.max_bytes = min(limits.max_bytes, max(limits.max_ratio * size, _RATIO_FLOOR))
        self.seen: set[str] = set()

    def skip(self, member: str, reason: str) -> None:
        """List an entry the import leaves out, so the report says so."""
        summary = self.summary
        summary.skipped_count += 1
        if len(summary.skipped) < DatasetImport.SKIPPED_LISTED:
            summary.skipped.append((member, reason))

    def add(self, member: str, unpacked: int) -> None:
        """Count a regular file; a repeated name is listed as skipped (kdcore reads the first entry of a name)."""
        if member in self.seen:
            self.skip(member, A_REPEATED_NAME)
            return
        self.seen.add(member)
        summary = self.summary
        summary.members += 1
        summary.unpacked_bytes += unpacked
        if summary.members > self.limits.max_members:
            raise _invalid(f"{self.name} holds more than {self.limits.max_members:,} files, the limit")
        if summary.unpacked_bytes > self.max_bytes:
            raise _invalid(
                f"{self.name} unpacks to more than {self.max_bytes / _MB:,.0f} MB (at most "
                f"{self.limits.max_bytes / _MB:,.0f} MB and {self.limits.max_ratio}x its size are allowed)"
            )
        if not _is_image(member):
            self.skip(member, NOT_AN_IMAGE)

    def finish(self) -> UploadSummary:
        if self.summary.members == 0:
            raise _invalid(f"{self.name} is an empty archive; {EXPECTED}")
        return self.summary


def _is_image(member: str) -> bool:
    """Images, and files kdcore reads or ignores itself (hidden files, macOS metadata, RAF-DB's label file)."""
    parts = member.lower().split("/")
    if any(part.startswith(".") or part == "__macosx" for part in parts) or "emolabel" in parts[:-1]:
        return True
    return is_image_name(parts[-1])  # what kdcore's readers decode; any other file is listed as skipped


def _inspect_zip(file: IO[bytes], *, name: str, size: int, limits: ArchiveLimits) -> UploadSummary:
    tally = _Tally(UploadSummary(kind=DatasetImport.Kind.ZIP), name=name, size=size, limits=limits)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _invalid(f"{name} is not a readable zip archive ({error})") from None
    for info in infos:
        member = check_member_name(info.filename)
        if info.is_dir():
            continue
        mode = info.external_attr >> 16  # Unix mode bits, when the zip was made on Unix; 0 otherwise
        if stat.S_ISLNK(mode) or (stat.S_IFMT(mode) and not stat.S_ISREG(mode)):
            tally.skip(member, A_LINK if stat.S_ISLNK(mode) else A_SPECIAL_FILE)
            continue
        if info.flag_bits & 0x1:
            raise _invalid(f"{name} holds an encrypted file ({member}); upload an archive without a password")
        if info.file_size > _RATIO_FLOOR and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise _invalid(f"{member} in {name} is compressed more than {limits.max_ratio}x: it looks like a zip bomb")
        tally.add(member, info.file_size)
    return tally.finish()


def _inspect_tar(file: IO[bytes], *, name: str, size: int, limits: ArchiveLimits) -> UploadSummary:
    tally = _Tally(UploadSummary(kind=DatasetImport.Kind.TAR), name=name, size=size, limits=limits)
    try:
        archive = _open_tar(file)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise _invalid(f"unsupported file {name!r} ({error}); {EXPECTED}") from None
    try:
        with archive:
            _walk_tar(archive, tally)
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        raise _invalid(f"{name} is not a readable tar archive or is truncated ({error})") from None
    return tally.finish()


def _open_tar(file: IO[bytes]) -> tarfile.TarFile:
    """A tar stream (plain, gz, bz2 or xz); raises ReadError when the bytes are no tar at all."""
    return tarfile.open(fileobj=file, mode="r|*")


def _walk_tar(archive: tarfile.TarFile, tally: _Tally) -> None:
    """Headers one by one; `members` is emptied as we go, since a stream keeps every header it has read."""
    while (info := archive.next()) is not None:
        member = check_member_name(info.name)
        if info.isreg():
            tally.add(member, info.size)
        elif info.issym() or info.islnk():
            tally.skip(member, A_LINK)
        elif not info.isdir():
            tally.skip(member, A_SPECIAL_FILE)
        archive.members.clear()  # type: ignore[attr-defined]  # the list getmembers() returns; typeshed omits it
