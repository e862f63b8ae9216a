"""AnalysisSettings: validation, the dict round trip, and an import the web app can afford."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kdcore.config import ConfigError
from kdcore.video import DETECTORS, AnalysisSettings

REPO = Path(__file__).resolve().parents[3]


def test_it_round_trips_through_json() -> None:
    settings = AnalysisSettings(detect_every=2, analysis_width=480, face_margin=0.1)
    assert AnalysisSettings.from_dict(json.loads(json.dumps(settings.to_dict()))) == settings


def test_it_fills_missing_keys_with_defaults() -> None:
    assert AnalysisSettings.from_dict({"batch_size": 8}) == AnalysisSettings(batch_size=8)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"detect_every": 0}, "detect_every", "must be in [1, 30], got 0"),
        ({"analysis_width": 50}, "analysis_width", "must be in [160, 3840]"),
        ({"detector": "yolo"}, "detector", "unknown detector 'yolo'; expected one of haar"),
        ({"batch_size": "32"}, "batch_size", "must be int, got str '32'"),
        ({"max_faces": True}, "max_faces", "must be int, got bool"),
        ({"face_margin": -0.1}, "face_margin", "must be in [0.0, 1.0]"),
    ],
)
def test_it_names_each_bad_field(values: dict, field: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        AnalysisSettings.from_dict(values)
    assert message in caught.value.errors[field]


def test_it_accepts_an_int_for_a_float_field() -> None:
    assert AnalysisSettings(chunk_seconds=2).chunk_seconds == 2


def test_it_refuses_unknown_keys() -> None:
    with pytest.raises(ConfigError) as caught:
        AnalysisSettings.from_dict({"detect_evrey": 2})
    assert caught.value.errors == {"detect_evrey": "unknown setting for AnalysisSettings"}


def test_it_registers_a_detector_for_every_name_settings_accept() -> None:
    from kdcore.video.detect import create_detector

    for name in DETECTORS:
        assert hasattr(create_detector(AnalysisSettings(detector=name)), "detect")


@pytest.mark.parametrize("module", ["kdcore.video.settings", "kdcore.video"])
def test_it_imports_settings_without_av_cv2_torch_or_numpy(module: str) -> None:
    code = (
        "import sys, json\n"
        "before = {m.partition('.')[0] for m in sys.modules}\n"
        f"import {module}\n"
        "print(json.dumps(sorted({m.partition('.')[0] for m in sys.modules} - before)))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    added = set(json.loads(done.stdout))
    assert added & {"av", "cv2", "torch", "numpy", "PIL"} == set()
    assert added <= set(sys.stdlib_module_names) | {"kdcore"}
