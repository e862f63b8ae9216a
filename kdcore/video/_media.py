"""Opening media files with PyAV and turning every failure into a ``VideoError`` a user can act on.

Every reader in ``kdcore.video`` (probe, analysis, poster, playable copy) opens files here, so a broken upload
gets the same plain-words message wherever it is first touched.
"""

from __future__ import annotations

from pathlib import Path

import av
import av.container
import av.stream

from kdcore.video.errors import VideoError

_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")
_SNIFF_BYTES = 1024
_EXPECTED = "expected a video such as .mp4, .mov or .webm"


def open_media(path: str | Path) -> av.container.InputContainer:
    """Open ``path`` for reading, or raise ``VideoError`` saying what arrived instead of a media file."""
    path = Path(path)
    if not path.is_file():
        raise VideoError(f"no file at {path}; {_EXPECTED}")
    if path.stat().st_size == 0:
        raise VideoError(f"{path.name} is empty (0 bytes); {_EXPECTED}")
    try:
        return av.open(str(path), mode="r")
    except av.FFmpegError as error:
        raise VideoError(_unreadable_message(path, error)) from None


def _unreadable_message(path: Path, error: Exception) -> str:
    """Why FFmpeg could not open the file, guessed from its first bytes."""
    head = path.read_bytes()[:_SNIFF_BYTES] if path.stat().st_size else b""
    lowered = head.lstrip().lower()
    if any(lowered.startswith(marker) or marker in lowered[:200] for marker in _HTML_MARKERS):
        return f"{path.name} is a web page (HTML), not a video; {_EXPECTED} (a download link may have saved the page)"
    if _looks_like_text(head):
        return f"{path.name} is a text file, not a video; {_EXPECTED}"
    reason = getattr(error, "strerror", None) or str(error)
    return (
        f"{path.name} cannot be read as a video: its header is missing or damaged, as in an upload cut short "
        f"({reason}); {_EXPECTED}, complete"
    )


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def is_image_format(container: av.container.InputContainer) -> bool:
    """Whether FFmpeg read the file as a still image (its image2 / ``*_pipe`` demuxers), not as a video."""
    names = container.format.name.split(",")
    return any(name == "image2" or name.endswith("_pipe") for name in names)


def video_stream(container: av.container.InputContainer, name: str) -> av.video.stream.VideoStream:
    """The first video stream, decoded with frame and slice threads; ``VideoError`` when there is none."""
    if not container.streams.video:
        audio = container.streams.audio
        if audio:
            codec = audio[0].codec_context.codec.canonical_name
            raise VideoError(f"{name} holds only audio ({codec}), no picture; {_EXPECTED} with a camera track")
        raise VideoError(f"{name} holds no video stream; {_EXPECTED}")
    stream = container.streams.video[0]
    stream.thread_type = "AUTO"
    return stream


def no_frames_error(name: str) -> VideoError:
    """The error for a video track that exists but yields no decodable picture."""
    return VideoError(f"{name} has a video track but not one frame of it can be decoded; {_EXPECTED} that plays")
