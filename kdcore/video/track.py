"""Face tracks with stable ids: IoU matching by the Hungarian method, constant-velocity boxes between detections.

A SORT-like tracker without the Kalman filter: the detector runs every k-th frame, so between detections each
track's box moves on at its last velocity; a detection continues the track it overlaps most (one-to-one, best total
overlap); a track survives ``max_missed`` detection rounds without a match (a turned head, a hand over the face) and
keeps its id; a face nobody claims starts a new track with the next id.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kdcore.video._assignment import linear_assignment

_VELOCITY_MEMORY = 0.5  # weight of the previous velocity when a new match refines it (damps detector jitter)


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersection over union of boxes a [N, 4] and b [M, 4] (x, y, w, h) → [N, M]."""
    a = np.asarray(a, dtype=np.float64).reshape(-1, 1, 4)
    b = np.asarray(b, dtype=np.float64).reshape(1, -1, 4)
    left, top = np.maximum(a[..., 0], b[..., 0]), np.maximum(a[..., 1], b[..., 1])
    right = np.minimum(a[..., 0] + a[..., 2], b[..., 0] + b[..., 2])
    bottom = np.minimum(a[..., 1] + a[..., 3], b[..., 1] + b[..., 3])
    inter = np.clip(right - left, 0, None) * np.clip(bottom - top, 0, None)
    union = a[..., 2] * a[..., 3] + b[..., 2] * b[..., 3] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


@dataclass
class _Track:
    id: int
    box: np.ndarray  # float64 [4] at last_frame, the frame of its latest match
    last_frame: int
    velocity: np.ndarray  # per frame, [4]
    missed: int = 0

    def box_at(self, frame: int) -> np.ndarray:
        box: np.ndarray = self.box + self.velocity * (frame - self.last_frame)
        box[2:] = np.maximum(box[2:], 1.0)
        return box


class IouTracker:
    """Assigns track ids to detections; ``update`` on detection frames, ``visible`` on every frame."""

    def __init__(self, *, iou_threshold: float = 0.3, max_missed: int = 2) -> None:
        self.iou_threshold = iou_threshold
        self.max_missed = max_missed
        self._tracks: list[_Track] = []
        self._next_id = 0

    def update(self, boxes: np.ndarray, frame: int) -> list[tuple[int, np.ndarray]]:
        """Match ``boxes`` [N, 4] found in ``frame`` to the tracks; returns the visible tracks (see ``visible``)."""
        boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
        predicted = np.array([track.box_at(frame) for track in self._tracks]).reshape(-1, 4)
        overlap = iou_matrix(predicted, boxes)
        pairs = [(t, d) for t, d in linear_assignment(1.0 - overlap) if overlap[t, d] >= self.iou_threshold]
        for t, d in pairs:
            self._continue(self._tracks[t], boxes[d], frame)
        matched_tracks = {t for t, _ in pairs}
        for index, track in enumerate(self._tracks):
            if index not in matched_tracks:
                track.missed += 1
                track.velocity = np.zeros(4)  # wait where it was last seen rather than drift away
        self._tracks = [track for track in self._tracks if track.missed <= self.max_missed]
        matched_boxes = {d for _, d in pairs}
        for d in range(len(boxes)):
            if d not in matched_boxes:
                self._tracks.append(_Track(self._next_id, boxes[d].copy(), frame, np.zeros(4)))
                self._next_id += 1
        return self.visible(frame)

    def visible(self, frame: int) -> list[tuple[int, np.ndarray]]:
        """(id, box [4] predicted at ``frame``) for each track matched at the latest detection, by id."""
        live = sorted((track for track in self._tracks if track.missed == 0), key=lambda track: track.id)
        return [(track.id, track.box_at(frame)) for track in live]

    def _continue(self, track: _Track, box: np.ndarray, frame: int) -> None:
        if frame > track.last_frame:
            step = (box - track.box) / (frame - track.last_frame)
            track.velocity = _VELOCITY_MEMORY * track.velocity + (1 - _VELOCITY_MEMORY) * step
        track.box, track.last_frame, track.missed = box.copy(), frame, 0
