"""Decoded frames in display orientation with timestamps from PTS × time_base.

Variable frame rate is common in phone and screen recordings, so a frame's time always comes from its own
timestamp, never from ``index / fps``; a frame without one continues its predecessor by the average frame period.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

import av
import av.container
import av.stream
import numpy as np


def decoded_video_frames(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream
) -> Iterator[av.VideoFrame]:
    """Every decodable ``av.VideoFrame`` of ``stream``, in presentation order.

    A damaged packet is skipped (decoding recovers at the next keyframe) and a file cut short mid-stream ends the
    iteration after the frames already buffered in the decoder, so a partly broken upload still yields what it has.
    """
    packets = container.demux(stream)
    while True:
        try:
            packet = next(packets)
        except StopIteration:
            return
        except av.FFmpegError:
            yield from _flush(stream)
            return
        try:
            yield from packet.decode()
        except av.FFmpegError:
            continue


def _flush(stream: av.video.stream.VideoStream) -> list[av.VideoFrame]:
    try:
        return list(stream.codec_context.decode(None))
    except av.FFmpegError:
        return []


def average_rate(stream: av.video.stream.VideoStream) -> float:
    """Frames per second as the container states it (average, else guessed, else 0)."""
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate:
            return float(rate)
    return 0.0


class Timestamps:
    """Seconds since the stream's start for each decoded frame, from PTS × time_base."""

    def __init__(self, stream: av.video.stream.VideoStream) -> None:
        self._time_base = stream.time_base or Fraction(1, 1)
        self._start = stream.start_time
        rate = average_rate(stream)
        self._period = 1.0 / rate if rate > 0 else 0.0
        self._last: float | None = None

    def __call__(self, frame: av.VideoFrame) -> float:
        """The frame's time in seconds (the first frame of a stream starting at PTS 0 is at 0.0)."""
        if frame.pts is None:
            time_s = 0.0 if self._last is None else self._last + self._period
        else:
            if self._start is None:
                self._start = frame.pts
            time_s = float((frame.pts - self._start) * self._time_base)
        self._last = time_s
        return time_s


def rotation_of(frame: av.VideoFrame, stream: av.video.stream.VideoStream) -> int:
    """Counter-clockwise degrees (0, 90, 180 or 270) that turn the coded picture upright for display.

    Read from the frame's display matrix (how phones mark portrait video), else from an old-style ``rotate``
    stream tag (clockwise degrees, hence the sign).
    """
    try:
        degrees = float(frame.rotation or 0)
    except (ValueError, TypeError):  # unknown side data types can make the lookup raise
        degrees = 0.0
    if not degrees:
        try:
            degrees = -float(stream.metadata.get("rotate", 0))
        except ValueError:
            degrees = 0.0
    return round(degrees / 90.0) * 90 % 360


def upright(array: np.ndarray, rotation: int) -> np.ndarray:
    """``array`` [H, W, ...] turned by ``rotation`` counter-clockwise degrees (a view; copy before OpenCV)."""
    return np.rot90(array, k=rotation // 90) if rotation else array


def displayed_size(width: int, height: int, rotation: int) -> tuple[int, int]:
    """(width, height) as shown: a quarter turn swaps them."""
    return (height, width) if rotation in (90, 270) else (width, height)
