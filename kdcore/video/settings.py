"""Recording-analysis settings as one frozen dataclass; standard library only, so the web app can validate a form.

Defaults come from ``benchmarks/recording_analysis.py`` on the shared 2-core CPU (``docs/results.md``, "Recording
analysis on the 2-core CPU"). Detection is most of the cost: detecting every 5th frame at 480 px ran 4.7–5.0× real
time on a 640×360 30 fps loop at a load average of about 4 from other work, and 2.1–2.3× at a load of 7–9 (with the
classifier then unprepared), where every 3rd frame made only 1.3–1.7×. It found the face in 98.8% of the frames that
show it (every 3rd frame: 99.5%; the misses are frames before the first detection after a face appears), and 480 px
keeps all five faces of the group photo, where 320 px found four. One thread (``cpu_threads``) met the 2× target
both on the busy and on the quieter machine, and leaves the other core to the rest of the machine.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from typing import Any

from kdcore.config import ConfigError

DETECTORS = ("haar",)  # kdcore.video.detect registers a builder under each name


@dataclass(frozen=True)
class AnalysisSettings:
    """How a recording is read: which detector, how often it runs, and how faces reach the model.

    Raises ``ConfigError`` (field → message) on construction when a value is out of range or of the wrong type.
    """

    detector: str = "haar"
    detect_every: int = 5  # full-frame detection every k-th frame; boxes are carried by the tracker in between
    analysis_width: int = 480  # frames wider than this are scaled down to it for detection only
    batch_size: int = 32  # faces per forward pass
    min_face_px: int = 40  # smallest face side searched for, in pixels of the original frame
    max_faces: int = 8  # at most this many faces per frame (the largest ones)
    face_margin: float = 0.02  # crop = box widened by this fraction per side (FER2013 faces match Haar's box)
    face_px: int = 48  # crops are reduced to FER2013's 48 px before `to_model_input` resizes them for the model
    iou_threshold: float = 0.3  # a detection continues a track when their boxes overlap at least this much
    max_missed: int = 2  # detection rounds a track may miss and still keep its id
    chunk_seconds: float = 1.0  # each on_chunk call covers at most this much video
    moments_per_class: int = 3  # strongest moments kept per track and class
    moment_gap_s: float = 3.0  # moments of one track and class are at least this far apart
    haar_scale_factor: float = 1.1  # Haar pyramid step: smaller finds more faces and costs more
    haar_min_neighbors: int = 5  # Haar votes needed for a face: higher means fewer false faces
    cpu_threads: int = 1  # torch and OpenCV threads while the analysis runs (restored after); 0 leaves them as set
    detect_threads: int = 0  # detections run ahead of the tracker on this many threads; 0: one per CPU core

    def __post_init__(self) -> None:
        errors = self.errors()
        if errors:
            raise ConfigError(errors)

    def errors(self) -> dict[str, str]:
        """Field → message for every invalid value (types first, so the range checks can compare)."""
        errors = _type_errors(self)
        if errors:
            return errors
        ranges: dict[str, tuple[float, float]] = {
            "detect_every": (1, 30),
            "analysis_width": (160, 3840),
            "batch_size": (1, 1024),
            "min_face_px": (12, 2000),
            "max_faces": (1, 64),
            "face_margin": (0.0, 1.0),
            "face_px": (16, 256),
            "iou_threshold": (0.01, 0.99),
            "max_missed": (0, 100),
            "chunk_seconds": (0.05, 10.0),
            "moments_per_class": (0, 20),
            "moment_gap_s": (0.0, 600.0),
            "haar_scale_factor": (1.01, 2.0),
            "haar_min_neighbors": (0, 50),
            "cpu_threads": (0, 256),
            "detect_threads": (0, 256),
        }
        for name, (low, high) in ranges.items():
            value = getattr(self, name)
            if not low <= value <= high:
                errors[name] = f"must be in [{low}, {high}], got {value}"
        if self.detector not in DETECTORS:
            errors["detector"] = f"unknown detector {self.detector!r}; expected one of {', '.join(DETECTORS)}"
        return errors

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnalysisSettings:
        """Build and validate from a dict such as ``to_dict()`` made; unknown keys are errors, missing ones default."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(dict.fromkeys(unknown, "unknown setting for AnalysisSettings"))
        return cls(**data)


def _type_errors(settings: AnalysisSettings) -> dict[str, str]:
    """A field whose value is not of its default's type (an int is accepted for a float; a bool is no int)."""
    errors: dict[str, str] = {}
    for f in fields(settings):
        value, expected = getattr(settings, f.name), type(f.default)
        allowed = (int, float) if expected is float else (expected,)
        if isinstance(value, bool) or not isinstance(value, allowed):
            errors[f.name] = f"must be {expected.__name__}, got {type(value).__name__} {value!r}"
    return errors
