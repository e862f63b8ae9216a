"""Face detectors behind one small interface, registered by name like kdcore's models.

A detector sees a grayscale picture and returns boxes in that picture's pixels; ``find_faces`` owns the rest
(downscaling to the analysis width, the size floor, the face budget), so a new detector is one class and one
``@register_detector`` builder.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import cv2
import numpy as np

from kdcore.video.settings import AnalysisSettings

HAAR_CASCADE = "haarcascade_frontalface_default.xml"  # ships inside opencv-python: nothing to download
_HAAR_WINDOW_PX = 24  # the cascade's training window: it finds no smaller face


class FaceDetector(Protocol):
    """Finds faces in one grayscale picture."""

    def detect(self, gray: np.ndarray, *, min_size: int) -> tuple[np.ndarray, np.ndarray]:
        """Boxes float32 [N, 4] (x, y, w, h) in ``gray``'s pixels and confidences [N] (higher is surer).

        ``gray`` is uint8 [H, W]; faces smaller than ``min_size`` pixels need not be found.
        """
        ...


DetectorBuilder = Callable[[AnalysisSettings], FaceDetector]
_DETECTORS: dict[str, DetectorBuilder] = {}


def register_detector(name: str) -> Callable[[DetectorBuilder], DetectorBuilder]:
    """Decorator: make ``builder(settings)`` available as ``AnalysisSettings(detector=name)``.

    The name must also be in ``kdcore.video.settings.DETECTORS``, which the web app validates against.
    """

    def wrap(builder: DetectorBuilder) -> DetectorBuilder:
        _DETECTORS[name] = builder
        return builder

    return wrap


def create_detector(settings: AnalysisSettings) -> FaceDetector:
    """The detector ``settings.detector`` names."""
    try:
        return _DETECTORS[settings.detector](settings)
    except KeyError:
        raise ValueError(f"unknown detector {settings.detector!r}; expected one of {', '.join(_DETECTORS)}") from None


class HaarDetector:
    """OpenCV's Viola–Jones frontal-face cascade: no weights to fetch, fast on a CPU, frontal faces only."""

    def __init__(self, *, scale_factor: float = 1.1, min_neighbors: int = 5) -> None:
        if not hasattr(cv2, "CascadeClassifier"):  # OpenCV 5 removed the Haar cascades
            raise RuntimeError(
                f"OpenCV {cv2.__version__} has no Haar cascades (removed in OpenCV 5): install "
                "opencv-python-headless<5 on this worker, as requirements.txt pins it."
            )
        from cv2.data import haarcascades  # the wheel's cascade folder; imported after the OpenCV 5 check above

        self.cascade = cv2.CascadeClassifier(haarcascades + HAAR_CASCADE)
        if self.cascade.empty():
            raise RuntimeError(f"OpenCV could not load {HAAR_CASCADE} from {haarcascades}")
        self.scale_factor = scale_factor
        self.min_neighbors = min_neighbors

    def detect(self, gray: np.ndarray, *, min_size: int) -> tuple[np.ndarray, np.ndarray]:
        """Boxes float32 [N, 4] (x, y, w, h) in ``gray``'s pixels; confidence = the cascade's last-stage weight."""
        side = max(_HAAR_WINDOW_PX, int(min_size))
        boxes, _, weights = self.cascade.detectMultiScale3(
            gray,
            scaleFactor=self.scale_factor,
            minNeighbors=self.min_neighbors,
            minSize=(side, side),
            outputRejectLevels=True,
        )
        return np.asarray(boxes, dtype=np.float32).reshape(-1, 4), np.asarray(weights, dtype=np.float32).reshape(-1)


@register_detector("haar")
def _haar(settings: AnalysisSettings) -> HaarDetector:
    return HaarDetector(scale_factor=settings.haar_scale_factor, min_neighbors=settings.haar_min_neighbors)


def find_faces(detector: FaceDetector, gray: np.ndarray, settings: AnalysisSettings) -> np.ndarray:
    """Faces in a full-resolution picture: boxes float32 [N, 4] (x, y, w, h) in its pixels, largest first.

    The picture is scaled down to ``settings.analysis_width`` for the detector (its cost grows with the area), and
    the boxes are scaled back. A box mostly inside a surer one is dropped (Haar reports a face twice at
    neighbouring scales: the group photo's second box on one face has a fifth of the first one's weight); at most
    ``settings.max_faces`` are kept.
    """
    height, width = gray.shape
    scale = min(1.0, settings.analysis_width / width)
    small = gray
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        small = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    boxes, scores = detector.detect(small, min_size=round(settings.min_face_px * scale))
    boxes = suppress_overlaps(boxes / scale, scores)
    order = np.argsort(-(boxes[:, 2] * boxes[:, 3]), kind="stable")
    return boxes[order[: settings.max_faces]].astype(np.float32)


def suppress_overlaps(boxes: np.ndarray, scores: np.ndarray, *, max_cover: float = 0.5) -> np.ndarray:
    """Greedy non-maximum suppression: surest first, drop a box whose overlap covers > ``max_cover`` of either box."""
    kept: list[int] = []
    area = boxes[:, 2] * boxes[:, 3]
    for index in np.argsort(-scores, kind="stable"):
        x0 = np.maximum(boxes[index, 0], boxes[kept, 0])
        y0 = np.maximum(boxes[index, 1], boxes[kept, 1])
        x1 = np.minimum(boxes[index, 0] + boxes[index, 2], boxes[kept, 0] + boxes[kept, 2])
        y1 = np.minimum(boxes[index, 1] + boxes[index, 3], boxes[kept, 1] + boxes[kept, 3])
        inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
        if not np.any(inter > max_cover * np.minimum(area[index], area[kept])):
            kept.append(int(index))
    return boxes[kept].reshape(-1, 4)
