"""Square face crops from full-resolution frames, padded by edge replication where a face meets the border."""

from __future__ import annotations

import cv2
import numpy as np


def square_around(box: np.ndarray, margin: float) -> tuple[int, int, int]:
    """(x0, y0, side) of the square centred on ``box`` (x, y, w, h), its longer side widened by ``margin`` per side."""
    x, y, w, h = (float(v) for v in box[:4])
    side = max(1, round(max(w, h) * (1 + 2 * margin)))
    return round(x + w / 2 - side / 2), round(y + h / 2 - side / 2), side


def crop_face(image: np.ndarray, box: np.ndarray, *, margin: float, size: int) -> np.ndarray:
    """uint8 [size, size] (or [size, size, C]) crop of ``image`` [H, W(, C)] around ``box``.

    Parts of the square outside the frame repeat the edge pixels, so a face at the border keeps its aspect and
    position in the crop instead of being stretched.
    """
    x0, y0, side = square_around(box, margin)
    height, width = image.shape[:2]
    left, top = max(0, x0), max(0, y0)
    right, bottom = min(width, x0 + side), min(height, y0 + side)
    if right <= left or bottom <= top:  # a predicted box that drifted off the frame
        return np.zeros((size, size, *image.shape[2:]), dtype=np.uint8)
    patch = image[top:bottom, left:right]
    pads = (top - y0, y0 + side - bottom, left - x0, x0 + side - right)
    if any(pads):
        patch = cv2.copyMakeBorder(patch, *pads, borderType=cv2.BORDER_REPLICATE)
    interpolation = cv2.INTER_AREA if side > size else cv2.INTER_LINEAR
    return cv2.resize(patch, (size, size), interpolation=interpolation)


def area_fraction(box: np.ndarray, width: int, height: int) -> float:
    """The box's share of the frame's area, in [0, 1] (how close the face is to the camera)."""
    return float(min(1.0, box[2] * box[3] / max(1, width * height)))
