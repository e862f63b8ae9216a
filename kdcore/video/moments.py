"""The strongest moments of each track and class, chosen during the single pass (no second decode).

Per (track, class) at most ``per_class`` candidates, pairwise at least ``gap_s`` apart, are kept. A new frame that
conflicts (is closer than ``gap_s``) with kept ones replaces them only if it beats them all; otherwise it competes
for a free place or the weakest one. The thumbnail is made once per batch, only for the candidates that survived
it, while their frames are still in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from kdcore.video.crops import crop_face
from kdcore.video.results import Moment

THUMBNAIL_PX = 112
THUMBNAIL_MARGIN = 0.25  # people read a face better with some hair and chin around it
JPEG_QUALITY = 85


@dataclass
class _Candidate:
    track: int
    class_index: int
    frame: int
    time_s: float
    prob: float
    box: np.ndarray
    jpeg: bytes | None = None


class MomentKeeper:
    """Keeps the top frames per (track, class); ``offer`` every row, ``make_thumbnails`` after every batch."""

    def __init__(self, *, per_class: int, gap_s: float) -> None:
        self.per_class = per_class
        self.gap_s = gap_s
        self._kept: dict[tuple[int, int], list[_Candidate]] = {}

    def offer(self, track: int, frame: int, time_s: float, probs: np.ndarray, box: np.ndarray) -> None:
        """Consider one face row for every class."""
        if self.per_class == 0:
            return
        for class_index, prob in enumerate(probs.tolist()):
            kept = self._kept.setdefault((track, class_index), [])
            self._consider(kept, _Candidate(track, class_index, frame, time_s, prob, box))

    def _consider(self, kept: list[_Candidate], new: _Candidate) -> None:
        close = [c for c in kept if abs(c.time_s - new.time_s) < self.gap_s]
        if close:
            if new.prob > max(c.prob for c in close):
                kept[:] = [c for c in kept if c not in close] + [new]
            return
        if len(kept) < self.per_class:
            kept.append(new)
            return
        weakest = min(kept, key=lambda c: c.prob)
        if new.prob > weakest.prob:
            kept.remove(weakest)
            kept.append(new)

    def make_thumbnails(self, rgb_of: Callable[[int], np.ndarray]) -> None:
        """JPEG every new candidate; ``rgb_of(frame)`` gives the upright colour frame (frames of the last batch)."""
        cache: dict[int, np.ndarray] = {}
        for kept in self._kept.values():
            for candidate in kept:
                if candidate.jpeg is None:
                    if candidate.frame not in cache:
                        cache[candidate.frame] = rgb_of(candidate.frame)
                    candidate.jpeg = thumbnail_jpeg(cache[candidate.frame], candidate.box)

    def moments(self) -> list[Moment]:
        """Every kept moment, by track, class, then time."""
        found = [c for kept in self._kept.values() for c in kept]
        found.sort(key=lambda c: (c.track, c.class_index, c.time_s))
        return [Moment(c.track, c.class_index, c.frame, c.time_s, c.prob, c.jpeg or b"") for c in found]


def thumbnail_jpeg(rgb: np.ndarray, box: np.ndarray) -> bytes:
    """A THUMBNAIL_PX square colour JPEG of the face in ``box`` of ``rgb`` [H, W, 3]."""
    crop = crop_face(rgb, box, margin=THUMBNAIL_MARGIN, size=THUMBNAIL_PX)
    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(crop, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise RuntimeError("OpenCV could not encode a JPEG thumbnail")
    return encoded.tobytes()
