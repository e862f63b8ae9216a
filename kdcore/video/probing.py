"""``probe``: what a media file is, read from its header and one decoded frame (no full decode)."""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import av.container
import av.stream

from kdcore.filenames import is_image_name
from kdcore.video._frames import average_rate, decoded_video_frames, displayed_size, rotation_of
from kdcore.video._media import is_image_format, no_frames_error, open_media, video_stream
from kdcore.video.errors import VideoError

_BROWSER_VIDEO = {"mp4": {"h264", "vp9", "av1"}, "webm": {"vp8", "vp9", "av1"}}
_BROWSER_AUDIO = {"mp4": {"aac", "mp3", "opus", "flac"}, "webm": {"opus", "vorbis"}}
_BROWSER_PIXELS = {"yuv420p", "yuvj420p"}  # 4:2:2, 4:4:4 and 10-bit H.264 do not play in Chromium
_PACKETS_FOR_RATE = 120  # packet timestamps looked at to tell constant from variable frame rate


@dataclass(frozen=True)
class VideoInfo:
    """A media file as the Studio sees it; sizes are as displayed (after rotation).

    ``rotation`` is in counter-clockwise degrees (0, 90, 180, 270) applied to the coded picture for display. A still
    image (``is_image``) is a one-frame video with ``duration_s`` and ``frame_rate`` 0.
    """

    duration_s: float
    frame_rate: float
    frame_count: int
    width: int
    height: int
    rotation: int
    codec: str
    container: str
    has_audio: bool
    variable_frame_rate: bool
    is_image: bool
    browser_playable: bool
    pixel_format: str = ""
    audio_codec: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


def probe(path: str | Path) -> VideoInfo:
    """Read ``path``'s header and decode its first frame; ``VideoError`` for anything that is not a usable video.

    Refused with a message: a missing or empty file, a web page or other non-media file, a header cut short, an
    audio-only file, a video track without one decodable frame, and an image under a video file name.
    """
    path = Path(path)
    with open_media(path) as container:
        stream = video_stream(container, path.name)
        frames = decoded_video_frames(container, stream)
        first = next(frames, None)
        if first is None:
            raise no_frames_error(path.name)
        is_image = is_image_format(container)
        if is_image and not is_image_name(path.name):
            kind = stream.codec_context.codec.canonical_name.upper()
            raise VideoError(f"{path.name} is an image ({kind}), not a video; upload it as .png or .jpg")
        rotation = rotation_of(first, stream)
        width, height = displayed_size(first.width, first.height, rotation)
        vfr = False if is_image else _variable_rate(path)
        return _info(container, stream, path, is_image=is_image, size=(width, height), rotation=rotation, vfr=vfr)


def _info(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    path: Path,
    *,
    is_image: bool,
    size: tuple[int, int],
    rotation: int,
    vfr: bool,
) -> VideoInfo:
    codec = stream.codec_context.codec.canonical_name
    kind = _container_name(container, path)
    audio = container.streams.audio[0].codec_context.codec.canonical_name if container.streams.audio else ""
    pixels = stream.codec_context.pix_fmt or ""
    playable = (
        not is_image
        and codec in _BROWSER_VIDEO.get(kind, set())
        and pixels in _BROWSER_PIXELS
        and (not audio or audio in _BROWSER_AUDIO[kind])
    )
    rate = 0.0 if is_image else average_rate(stream)
    duration = 0.0 if is_image else _duration(container, stream)
    count = 1 if is_image else (stream.frames or max(1, round(duration * rate)))
    return VideoInfo(
        duration_s=duration,
        frame_rate=rate,
        frame_count=int(count),
        width=size[0],
        height=size[1],
        rotation=rotation,
        codec=codec,
        container=kind,
        has_audio=bool(audio),
        variable_frame_rate=vfr,
        is_image=is_image,
        browser_playable=playable,
        pixel_format=pixels,
        audio_codec=audio,
    )


def _duration(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> float:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / av.time_base
    return 0.0


def _container_name(container: av.container.InputContainer, path: Path) -> str:
    """mp4, mov, webm, matroska, avi, …: QuickTime and MP4 share FFmpeg's demuxer and differ by brand."""
    names = container.format.name.split(",")
    if "mp4" in names:
        brand = container.metadata.get("major_brand", "").strip().lower()
        return "mov" if brand == "qt" else "mp4"
    if "matroska" in names:
        return "webm" if path.suffix.lower() == ".webm" else "matroska"
    return names[0]


def _variable_rate(path: Path) -> bool:
    """Best effort: the gaps between the first packets' timestamps differ by more than a tenth of their median.

    Reads packets without decoding them, in a second opening of the file: the decoder of the first one has already
    swallowed packets (frame threading reads ahead), which would leave holes in the timestamps.
    """
    with open_media(path) as container:
        packets = itertools.islice(container.demux(container.streams.video[0]), _PACKETS_FOR_RATE)
        stamps = sorted(packet.pts for packet in packets if packet.pts is not None and packet.size)
    gaps = sorted(b - a for a, b in itertools.pairwise(stamps) if b > a)
    if len(gaps) < 2:
        return False
    median = gaps[len(gaps) // 2]
    return (gaps[-1] - gaps[0]) > 0.1 * median
