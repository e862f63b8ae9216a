"""Recording analysis: probe and decode videos (PyAV), find and track faces (OpenCV), read emotions (any kdcore model).

The only part of kdcore that imports ``av`` and ``cv2``. This package loads them lazily: importing
``kdcore.video`` or ``kdcore.video.settings`` (what the web app validates forms with) pulls in neither them nor
torch; the first use of a name below that needs them imports its module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kdcore.video.errors import VideoCancelled, VideoError
from kdcore.video.settings import DETECTORS, AnalysisSettings

if TYPE_CHECKING:
    from kdcore.video.analyze import analyze_video
    from kdcore.video.detect import FaceDetector, create_detector, register_detector
    from kdcore.video.playable import make_playable_copy
    from kdcore.video.poster import poster_jpeg
    from kdcore.video.probing import VideoInfo, probe
    from kdcore.video.results import AnalysisChunk, AnalysisProgress, AnalysisResult, Moment, TrackSummary
    from kdcore.video.scores import smooth_probs, valence
    from kdcore.video.track import IouTracker

_LAZY: dict[str, str] = {
    "analyze_video": "kdcore.video.analyze",
    "FaceDetector": "kdcore.video.detect",
    "create_detector": "kdcore.video.detect",
    "register_detector": "kdcore.video.detect",
    "make_playable_copy": "kdcore.video.playable",
    "poster_jpeg": "kdcore.video.poster",
    "VideoInfo": "kdcore.video.probing",
    "probe": "kdcore.video.probing",
    "AnalysisChunk": "kdcore.video.results",
    "AnalysisProgress": "kdcore.video.results",
    "AnalysisResult": "kdcore.video.results",
    "Moment": "kdcore.video.results",
    "TrackSummary": "kdcore.video.results",
    "smooth_probs": "kdcore.video.scores",
    "valence": "kdcore.video.scores",
    "IouTracker": "kdcore.video.track",
}

__all__ = [
    "DETECTORS",
    "AnalysisChunk",
    "AnalysisProgress",
    "AnalysisResult",
    "AnalysisSettings",
    "FaceDetector",
    "IouTracker",
    "Moment",
    "TrackSummary",
    "VideoCancelled",
    "VideoError",
    "VideoInfo",
    "analyze_video",
    "create_detector",
    "make_playable_copy",
    "poster_jpeg",
    "probe",
    "register_detector",
    "smooth_probs",
    "valence",
]


def __getattr__(name: str) -> Any:
    """Import the module behind a public name on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kdcore.video' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
