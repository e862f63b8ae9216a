"""Per-track running sums during the pass, turned into ``TrackSummary``s and the participant pick at the end."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kdcore.video.results import TrackSummary


@dataclass
class _Totals:
    first_frame: int
    first_time_s: float
    last_frame: int = 0
    last_time_s: float = 0.0
    frames: int = 0
    area_sum: float = 0.0
    probs_sum: np.ndarray = field(default_factory=lambda: np.zeros(0))


class TrackTotals:
    """Accumulates each track's presence, face size and probabilities."""

    def __init__(self) -> None:
        self._totals: dict[int, _Totals] = {}

    def add(self, track: int, frame: int, time_s: float, area_fraction: float, probs: np.ndarray) -> None:
        """One face row."""
        totals = self._totals.get(track)
        if totals is None:
            totals = self._totals[track] = _Totals(frame, time_s, probs_sum=np.zeros(len(probs)))
        totals.last_frame, totals.last_time_s = frame, time_s
        totals.frames += 1
        totals.area_sum += area_fraction
        totals.probs_sum += probs

    def summaries(self) -> list[TrackSummary]:
        """One summary per track, by id."""
        return [_summary(track, totals) for track, totals in sorted(self._totals.items())]


def _summary(track: int, totals: _Totals) -> TrackSummary:
    mean = totals.probs_sum / totals.frames
    return TrackSummary(
        id=track,
        first_frame=totals.first_frame,
        last_frame=totals.last_frame,
        first_time_s=totals.first_time_s,
        last_time_s=totals.last_time_s,
        frames=totals.frames,
        mean_area_fraction=totals.area_sum / totals.frames,
        mean_probs=tuple(float(p) for p in mean),
        dominant_class=int(np.argmax(mean)),
    )


def participant_track(tracks: list[TrackSummary]) -> int | None:
    """The participant: the face present in the most frames, ties broken by the larger mean face; None if no face.

    In a usability-test recording the participant faces the camera throughout, while a moderator or a face on a
    poster is seen less or smaller.
    """
    if not tracks:
        return None
    return max(tracks, key=lambda t: (t.frames, t.mean_area_fraction)).id
