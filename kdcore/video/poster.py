"""``poster_jpeg``: a thumbnail for the recordings list, from one frame a little way into the video.

The first frame of a screen or webcam recording is often black or mid-fade, so the poster comes from 10% of the
way in (at most 3 s); a still image is its own poster.
"""

from __future__ import annotations

import io
from pathlib import Path

import av
from PIL import Image

from kdcore.video._frames import decoded_video_frames, rotation_of, upright
from kdcore.video._media import no_frames_error, open_media, video_stream

POSTER_AT_FRACTION = 0.1
POSTER_AT_MOST_S = 3.0
JPEG_QUALITY = 80


def poster_jpeg(path: str | Path, *, max_side: int = 320) -> bytes:
    """JPEG bytes of a representative frame, upright, its longer side at most ``max_side`` pixels."""
    path = Path(path)
    with open_media(path) as container:
        stream = video_stream(container, path.name)
        frame = _frame_near(container, stream, _poster_time(container, stream))
        if frame is None:
            raise no_frames_error(path.name)
        image = Image.fromarray(upright(frame.to_ndarray(format="rgb24"), rotation_of(frame, stream)))
    image.thumbnail((max_side, max_side))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def _poster_time(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> float:
    duration = float(stream.duration * stream.time_base) if stream.duration and stream.time_base else 0.0
    if not duration and container.duration:
        duration = container.duration / av.time_base
    return min(POSTER_AT_MOST_S, duration * POSTER_AT_FRACTION)


def _frame_near(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, seconds: float
) -> av.VideoFrame | None:
    """The first frame at or after ``seconds`` (seeking to the keyframe before it), else the last one decoded."""
    start = stream.start_time or 0
    target = start + int(seconds / stream.time_base) if seconds > 0 and stream.time_base else start
    if target > start:
        try:
            container.seek(target, stream=stream)
        except av.FFmpegError:
            container.seek(0)
    last = None
    for frame in decoded_video_frames(container, stream):
        last = frame
        if frame.pts is None or frame.pts >= target:
            return frame
    return last
