"""``analyze_video``: one pass over a recording, decode → detect → track → crop → classify, streamed in chunks.

Every frame yields rows (one per face, or one faceless row), so the stored timeline has no holes: a moment
without a face is a fact about the session, not missing data.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from kdcore.video._threads import cpu_threads
from kdcore.video.classify import FaceClassifier
from kdcore.video.crops import area_fraction, crop_face
from kdcore.video.detect import create_detector, find_faces
from kdcore.video.moments import MomentKeeper
from kdcore.video.probing import probe
from kdcore.video.progress import Clock, ProgressCallback, ProgressMeter
from kdcore.video.reader import DecodedFrame, FrameReader
from kdcore.video.results import AnalysisChunk, AnalysisResult
from kdcore.video.scores import valence
from kdcore.video.settings import AnalysisSettings
from kdcore.video.summary import TrackTotals, participant_track
from kdcore.video.track import IouTracker

ChunkCallback = Callable[[AnalysisChunk], None]
StopCheck = Callable[[], bool]
_TIME_EPSILON_S = 1e-6
_WINDOW_PER_THREAD = 4  # detect frames queued per detection thread: enough to keep every thread busy


class DetectorPool:
    """One face detector per thread (a cascade classifier is not safe to share), and the seconds they spent."""

    def __init__(self, settings: AnalysisSettings) -> None:
        self.settings = settings
        self.threads = settings.detect_threads or os.cpu_count() or 1
        self.window = self.threads * _WINDOW_PER_THREAD * settings.detect_every
        self.seconds = 0.0
        self._local = threading.local()
        self._lock = threading.Lock()

    def find(self, gray: np.ndarray) -> np.ndarray:
        """``find_faces`` with this thread's own detector."""
        detector = getattr(self._local, "detector", None)
        if detector is None:
            detector = self._local.detector = create_detector(self.settings)
        started = time.perf_counter()
        boxes = find_faces(detector, gray, self.settings)
        with self._lock:
            self.seconds += time.perf_counter() - started
        return boxes  # frame times are rationals rounded to floats: 30 frames at 30 fps must make one second


def analyze_video(
    path: str | Path,
    model: nn.Module,
    *,
    settings: AnalysisSettings,
    device: torch.device | str,
    on_chunk: ChunkCallback,
    progress: ProgressCallback | None = None,
    should_stop: StopCheck | None = None,
    clock: Clock = time.monotonic,
) -> AnalysisResult:
    """Analyse every frame of ``path`` with ``model`` (any kdcore classifier, any ``input_size``).

    ``on_chunk`` receives the rows in frame order, a chunk per batch (at most ``settings.chunk_seconds`` of video);
    ``progress`` gets an ``AnalysisProgress`` about once a second of ``clock`` time; ``should_stop`` is polled after
    every batch and, when it answers True, the pass ends with ``stopped=True``. Raises ``VideoError`` (before any
    chunk) when ``path`` is not a usable video. A prepared copy of ``model`` runs on ``device``; the caller's model
    is not touched.
    """
    info = probe(path)
    meter = ProgressMeter(progress, total=info.frame_count, clock=clock)
    pass_ = _Pass(model, settings, device, on_chunk, meter, period_s=1.0 / info.frame_rate if info.frame_rate else 0.0)
    with cpu_threads(settings.cpu_threads), FrameReader(path) as reader:
        stopped = pass_.run(reader, should_stop or (lambda: False))
        pass_.timings["decode"] = reader.decode_seconds
    return pass_.result(stopped=stopped)


@dataclass
class _Pending:
    """A decoded frame waiting for its batch: its faces (track id, box) and where their crops sit in the batch."""

    frame: DecodedFrame
    faces: list[tuple[int, np.ndarray]] = field(default_factory=list)


class _Pass:
    """The state of one analysis pass."""

    def __init__(
        self,
        model: nn.Module,
        settings: AnalysisSettings,
        device: torch.device | str,
        on_chunk: ChunkCallback,
        meter: ProgressMeter,
        *,
        period_s: float,
    ) -> None:
        self.settings, self.on_chunk, self.meter, self.period_s = settings, on_chunk, meter, period_s
        self.detectors = DetectorPool(settings)
        self.tracker = IouTracker(iou_threshold=settings.iou_threshold, max_missed=settings.max_missed)
        self.classifier = FaceClassifier(model, device)
        self.totals = TrackTotals()
        self.moments = MomentKeeper(per_class=settings.moments_per_class, gap_s=settings.moment_gap_s)
        self.timings: dict[str, float] = defaultdict(float)
        self.pending: list[_Pending] = []
        self.crops: list[np.ndarray] = []
        self.frames_done = 0
        self.last_time_s = -period_s

    @contextmanager
    def _timed(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] += time.perf_counter() - started

    def run(self, reader: FrameReader, should_stop: StopCheck) -> bool:
        """Analyse until the end or a stop request; True when stopped early.

        Detection runs ahead on a thread pool (OpenCV releases the GIL, one detector per thread), a window of frames
        ahead of the tracker, which takes the results strictly in frame order: ids come out as they would from one
        thread, while every core finds faces.
        """
        frames = iter(reader)
        ahead: deque[tuple[DecodedFrame, Future[np.ndarray] | None]] = deque()
        with ThreadPoolExecutor(self.detectors.threads, thread_name_prefix="detect") as pool:
            try:
                while self._fill(ahead, frames, pool) or ahead:
                    frame, pending = ahead.popleft()
                    with self._timed("detect_wait"):
                        boxes = pending.result() if pending is not None else None
                    self._add(frame, boxes)
                    if self._batch_full(frame) and self._flush(should_stop):
                        return True
            finally:
                for _, pending in ahead:
                    if pending is not None:
                        pending.cancel()
        self._flush(should_stop)
        self.meter.report(self.frames_done, final=True)
        return False

    def _fill(
        self, ahead: deque[tuple[DecodedFrame, Future[np.ndarray] | None]], frames: Iterator[DecodedFrame], pool: Any
    ) -> bool:
        """Read frames until the window is full, queueing the detections; False once the reader is exhausted."""
        while len(ahead) < self.detectors.window:
            with self._timed("decode_wait"):
                frame = next(frames, None)
            if frame is None:
                return False
            detect = frame.index % self.settings.detect_every == 0
            ahead.append((frame, pool.submit(self.detectors.find, frame.gray) if detect else None))
        return True

    def _add(self, frame: DecodedFrame, boxes: np.ndarray | None) -> None:
        height, width = frame.gray.shape
        if boxes is not None:
            with self._timed("track"):
                visible = self.tracker.update(boxes, frame.index)
        else:
            with self._timed("track"):
                visible = self.tracker.visible(frame.index)
        pending = _Pending(frame)
        with self._timed("crop"):
            for track, box in visible:
                clipped = _clip(box, width, height)
                if clipped is not None:
                    pending.faces.append((track, clipped))
                    self.crops.append(
                        crop_face(frame.gray, clipped, margin=self.settings.face_margin, size=self.settings.face_px)
                    )
        self.pending.append(pending)

    def _batch_full(self, frame: DecodedFrame) -> bool:
        span = frame.time_s - self.pending[0].frame.time_s + self.period_s
        return len(self.crops) >= self.settings.batch_size or span >= self.settings.chunk_seconds - _TIME_EPSILON_S

    def _flush(self, should_stop: StopCheck) -> bool:
        """Classify the batch, emit its chunk, update totals and moments; True when the caller asked to stop."""
        if not self.pending:
            return should_stop()
        probs = self._classify()
        chunk = self._chunk(probs)
        with self._timed("emit"):
            self.on_chunk(chunk)
        self._remember(chunk)
        self.frames_done += len(self.pending)
        self.last_time_s = self.pending[-1].frame.time_s
        self.pending, self.crops = [], []
        self.meter.update(self.frames_done)
        return should_stop()

    def _classify(self) -> np.ndarray:
        if not self.crops:
            return np.zeros((0, 7), dtype=np.float32)
        size = self.settings.batch_size
        with self._timed("classify"):
            faces = np.stack(self.crops)
            batches = [self.classifier.probabilities(faces[i : i + size]) for i in range(0, len(faces), size)]
            return np.concatenate(batches)

    def _chunk(self, probs: np.ndarray) -> AnalysisChunk:
        no_face = [(-1, np.full(4, np.nan, dtype=np.float32))]  # a frame without faces still gets a row (no box)
        rows = [(p.frame, track, box) for p in self.pending for track, box in (p.faces or no_face)]
        classes = probs.shape[1]
        face = np.array([track >= 0 for _, track, _ in rows])
        all_probs = np.full((len(rows), classes), np.nan, dtype=np.float32)
        all_probs[face] = probs
        boxes = np.full((len(rows), 4), np.nan, dtype=np.float32)
        if face.any():
            boxes[face] = np.stack([box for _, track, box in rows if track >= 0])
        return AnalysisChunk(
            frame=np.array([f.index for f, _, _ in rows], dtype=np.int32),
            time_s=np.array([f.time_s for f, _, _ in rows], dtype=np.float64),
            track=np.array([track for _, track, _ in rows], dtype=np.int32),
            box=boxes,
            probs=all_probs,
            valence=valence(all_probs) if classes == 7 else np.full(len(rows), np.nan, dtype=np.float32),
            frames_done=self.frames_done + len(self.pending),
        )

    def _remember(self, chunk: AnalysisChunk) -> None:
        frames = {p.frame.index: p.frame for p in self.pending}
        with self._timed("moments"):
            for row in np.flatnonzero(chunk.track >= 0):
                frame = frames[int(chunk.frame[row])]
                height, width = frame.gray.shape
                track, probs, box = int(chunk.track[row]), chunk.probs[row], chunk.box[row]
                self.totals.add(track, frame.index, frame.time_s, area_fraction(box, width, height), probs)
                self.moments.offer(track, frame.index, frame.time_s, probs, box)
            self.moments.make_thumbnails(lambda index: frames[index].rgb())

    def result(self, *, stopped: bool) -> AnalysisResult:
        """The summary of what was analysed so far."""
        seconds = self.meter.elapsed()
        tracks = self.totals.summaries()
        return AnalysisResult(
            frames=self.frames_done,
            duration_s=max(0.0, self.last_time_s + self.period_s) if self.frames_done else 0.0,
            seconds=seconds,
            frames_per_s=self.frames_done / seconds if seconds > 0 else 0.0,
            stopped=stopped,
            tracks=tracks,
            participant_track=participant_track(tracks),
            moments=self.moments.moments(),
            timings={**self.timings, "detect": self.detectors.seconds},  # detect: thread-seconds, all threads
        )


def _clip(box: np.ndarray, width: int, height: int) -> np.ndarray | None:
    """The box cut to the frame (a predicted box may overhang it); None when nothing of it is left inside."""
    x0, y0 = max(0.0, float(box[0])), max(0.0, float(box[1]))
    x1, y1 = min(float(width), float(box[0] + box[2])), min(float(height), float(box[1] + box[3]))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    return np.array([x0, y0, x1 - x0, y1 - y0], dtype=np.float32)
