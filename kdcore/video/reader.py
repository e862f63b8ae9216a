"""Decoding in a background thread that feeds a bounded queue, so decoding overlaps detection and classification.

PyAV and OpenCV release the GIL while they work, so on two cores the decoder runs beside the detector instead of
before it; the queue's bound keeps memory flat however long the recording is.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from kdcore.video._frames import Timestamps, decoded_video_frames, rotation_of, upright
from kdcore.video._gray import gray_of
from kdcore.video._media import open_media, video_stream

_PUT_TIMEOUT_S = 0.1


@dataclass(frozen=True, slots=True)
class DecodedFrame:
    """One frame: its grayscale picture upright, and the decoded frame kept for colour crops on demand."""

    index: int
    time_s: float
    gray: np.ndarray  # uint8 [H, W], displayed orientation, contiguous
    picture: av.VideoFrame  # coded orientation; turn by `rotation` to display
    rotation: int

    def rgb(self) -> np.ndarray:
        """uint8 [H, W, 3] colour picture, upright (a conversion: only for the few frames that need colour)."""
        return np.ascontiguousarray(upright(self.picture.to_ndarray(format="rgb24"), self.rotation))


class FrameReader:
    """Iterate ``DecodedFrame``s of ``path``; decoding runs ahead in a thread, at most ``queue_size`` frames.

    Use as a context manager: leaving it early (cancel, error) stops the thread. ``decode_seconds`` is the time the
    thread spent decoding and converting, for the analysis' timings.
    """

    def __init__(self, path: str | Path, *, queue_size: int = 16) -> None:
        self.path = Path(path)
        self.decode_seconds = 0.0
        # A frame, the decoder's error, or None once it has finished.
        self._queue: queue.Queue[DecodedFrame | BaseException | None] = queue.Queue(maxsize=queue_size)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kdcore-video-decode", daemon=True)

    def __enter__(self) -> FrameReader:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[DecodedFrame]:
        while True:
            item = self._queue.get()
            if item is None:  # the decoder finished
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        """Stop the thread and let go of the frames it queued."""
        self._stop.set()
        while self._thread.is_alive():
            self._drain()
            self._thread.join(timeout=_PUT_TIMEOUT_S)
        self._drain()

    def _drain(self) -> None:
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            pass

    def _run(self) -> None:
        try:
            self._decode()
        except BaseException as error:  # handed to the consumer, which re-raises it in its own thread
            self._put(error)
        else:
            self._put(None)

    def _decode(self) -> None:
        with open_media(self.path) as container:
            stream = video_stream(container, self.path.name)
            times = Timestamps(stream)
            frames = decoded_video_frames(container, stream)
            rotation, started = 0, time.perf_counter()
            for index, picture in enumerate(frames):
                if index == 0:
                    rotation = rotation_of(picture, stream)
                gray = np.ascontiguousarray(upright(gray_of(picture), rotation))
                item = DecodedFrame(index, times(picture), gray, picture, rotation)
                self.decode_seconds += time.perf_counter() - started
                if not self._put(item):
                    return
                started = time.perf_counter()

    def _put(self, item: DecodedFrame | BaseException | None) -> bool:
        """Queue ``item`` unless the consumer has gone; False once stopped."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_PUT_TIMEOUT_S)
                return True
            except queue.Full:
                continue
        return False
