"""What an analysis hands out: streamed chunks, progress, and the final summary (plain arrays and numbers)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class AnalysisChunk:
    """Rows of consecutive frames, in frame order: one per (frame, face), and one per frame without a face.

    A faceless frame's row has ``track`` -1 and NaN ``box``, ``probs`` and ``valence``. ``box`` is (x, y, w, h) in
    pixels of the displayed frame at its original resolution; ``time_s`` comes from the frame's timestamp.
    ``frames_done`` counts the frames decoded and analysed so far, this chunk's included.
    """

    frame: np.ndarray  # int32 [N]
    time_s: np.ndarray  # float64 [N]
    track: np.ndarray  # int32 [N]
    box: np.ndarray  # float32 [N, 4]
    probs: np.ndarray  # float32 [N, 7]
    valence: np.ndarray  # float32 [N]
    frames_done: int

    def __len__(self) -> int:
        return len(self.frame)


@dataclass(frozen=True)
class AnalysisProgress:
    """About once a second while a recording is analysed (or copied); ``eta_s`` is None until a rate is known."""

    frames_done: int
    frames_total: int  # an estimate from the header until the end
    elapsed_s: float
    frames_per_s: float
    eta_s: float | None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class TrackSummary:
    """One tracked face over the whole recording."""

    id: int
    first_frame: int
    last_frame: int
    first_time_s: float
    last_time_s: float
    frames: int  # frames the face was seen in (rows of this track)
    mean_area_fraction: float  # mean box area / frame area: how close to the camera
    mean_probs: tuple[float, ...]
    dominant_class: int  # argmax of mean_probs, an index into kdcore.data.CLASS_NAMES


@dataclass(frozen=True)
class Moment:
    """A frame where one track showed one class strongly, with a small colour JPEG of the face."""

    track: int
    class_index: int
    frame: int
    time_s: float
    prob: float
    jpeg: bytes = field(repr=False)


@dataclass(frozen=True)
class AnalysisResult:
    """The summary of one pass over a recording (the per-frame rows went out through ``on_chunk``)."""

    frames: int
    duration_s: float  # video time covered: last frame's time + one frame period
    seconds: float  # wall time of the analysis
    frames_per_s: float
    stopped: bool  # True when should_stop() ended it early
    tracks: list[TrackSummary]
    participant_track: int | None
    moments: list[Moment]
    timings: dict[str, float]  # seconds per stage: decode (its own thread), detect, track, crop, classify, moments

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; moments without their JPEG bytes (store those as files)."""
        data = asdict(self)
        for moment in data["moments"]:
            moment.pop("jpeg")
        return data
