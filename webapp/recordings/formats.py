"""What a recording upload may be, judged from its name and first bytes before anything is stored (stdlib only).

The worker's probe (PyAV) has the last word; this only turns away what is plainly not a video or photo (an empty
file, a web page or a PNG renamed `.mp4`) with a message that says so, at once.
"""

from pathlib import PurePosixPath

VIDEO_EXTENSIONS = (".mp4", ".mov", ".webm", ".mkv", ".avi", ".m4v")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")
ACCEPTED = VIDEO_EXTENSIONS + IMAGE_EXTENSIONS
EXPECTED = "expected a video (.mp4 .mov .webm .mkv .avi) or a photo (.jpg .png)"

# First bytes of each container, and where they sit.
_SIGNATURES: tuple[tuple[str, int, bytes], ...] = (
    ("mp4/mov", 4, b"ftyp"),
    ("mov", 4, b"moov"),
    ("mov", 4, b"mdat"),
    ("mov", 4, b"wide"),
    ("mov", 4, b"free"),
    ("mkv/webm", 0, b"\x1a\x45\xdf\xa3"),
    ("avi", 0, b"RIFF"),
    ("jpeg", 0, b"\xff\xd8\xff"),
    ("png", 0, b"\x89PNG\r\n\x1a\n"),
)
_KIND_OF_EXTENSION = {
    ".mp4": "mp4/mov", ".m4v": "mp4/mov", ".mov": "mp4/mov", ".webm": "mkv/webm", ".mkv": "mkv/webm",
    ".avi": "avi", ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png",
}  # fmt: skip


class NotARecordingError(ValueError):
    """The upload cannot be a recording; the message says what arrived and what was expected."""


def extension_check(name: str) -> str:
    """The file's lowercase extension, when it is one the Studio accepts."""
    suffix = PurePosixPath(name.lower()).suffix
    if suffix not in ACCEPTED:
        raise NotARecordingError(f"{name} has the extension {suffix or '(none)'!r}; {EXPECTED}.")
    return suffix


def content_kind(head: bytes) -> str | None:
    """The container the first bytes announce (`mp4/mov`, `mkv/webm`, `avi`, `jpeg`, `png`), or None."""
    for kind, offset, magic in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return "mp4/mov" if kind == "mov" else kind
    return None


def content_check(name: str, head: bytes) -> None:
    """Refuse a file whose first bytes contradict its extension (or announce nothing we read)."""
    suffix = extension_check(name)
    if not head:
        raise NotARecordingError(f"{name} is empty (0 bytes); {EXPECTED}.")
    kind = content_kind(head)
    if kind is None:
        text = b"\x00" not in head and head.isascii()
        looks = "a web page or text" if text else "not a video or photo we can read"
        raise NotARecordingError(f"{name} is {looks}, not a {suffix} file; {EXPECTED}.")
    if kind != _KIND_OF_EXTENSION[suffix]:
        hint = (
            "rename it to .jpg or .png to analyse it as a photo" if kind in ("jpeg", "png") else "upload the original"
        )
        raise NotARecordingError(f"{name} holds {_ARTICLE[kind]} file, not a {suffix} one: {hint}.")


_ARTICLE = {"mp4/mov": "an MP4/MOV", "mkv/webm": "a Matroska/WebM", "avi": "an AVI", "jpeg": "a JPEG", "png": "a PNG"}
