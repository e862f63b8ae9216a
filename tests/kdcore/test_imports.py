"""kdcore loads only its allow-list (stdlib, torch, torchvision, numpy, PIL and what they load themselves).

kdcore.video alone may load av and cv2, and only when its pipeline is used (test_it_loads_av_and_cv2_only_for_video).

Run in fresh interpreters, since this test process has already imported pytest, onnx and friends.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ALLOWED_ROOTS = {"torch", "torchvision", "numpy", "PIL", "kdcore"}
FORBIDDEN_ROOTS = {
    "django",
    "rest_framework",
    "channels",
    "celery",
    "webapp",
    "worker",
    "cv2",
    "av",
    "onnx",
    "onnxruntime",
    "onnxscript",
}
KDCORE_MODULES = [
    "kdcore",
    "kdcore.config",
    "kdcore.models",
    "kdcore.losses",
    "kdcore.augment",
    "kdcore.preprocess",
    "kdcore.metrics",
    "kdcore.evaluate",
    "kdcore.predictions",
    "kdcore.label_quality",
    "kdcore.checkpoint",
    "kdcore.runtime",
    "kdcore.train",
    "kdcore.data",
    "kdcore.benchmark",
    "kdcore.export",
    "kdcore.cli",
    "kdcore.__main__",
    "kdcore.video",  # lazy: PyAV and OpenCV load on first use of a name that needs them
    "kdcore.video.settings",
]

_PROBE = """
import importlib, json, sys
def roots():
    return {name.partition(".")[0] for name in sys.modules}
before = roots()
for name in sys.argv[1].split(","):
    if name:
        importlib.import_module(name)
after = roots()
json.dump({"before": sorted(before), "after": sorted(after)}, sys.stdout)
"""


def _loaded_roots(preload: list[str], modules: list[str]) -> tuple[set[str], set[str]]:
    """Top-level module names after importing ``preload``, and the ones ``modules`` added on top."""
    code = "".join(f"import {name}\n" for name in preload) + _PROBE
    done = subprocess.run(
        [sys.executable, "-c", code, ",".join(modules)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    report = json.loads(done.stdout)
    return set(report["before"]), set(report["after"]) - set(report["before"])


@pytest.mark.slow
def test_it_imports_nothing_beyond_its_allow_list() -> None:
    baseline, added = _loaded_roots(["torch", "torchvision", "numpy", "PIL"], KDCORE_MODULES)
    allowed = ALLOWED_ROOTS | set(sys.stdlib_module_names) | baseline | {"_distutils_hack"}
    assert added & FORBIDDEN_ROOTS == set()
    assert added - allowed == set(), "kdcore imported modules outside its allow-list"


def test_it_validates_configs_without_torch() -> None:
    _, added = _loaded_roots([], ["kdcore.config"])
    assert "torch" not in added
    assert "numpy" not in added
    assert added <= set(sys.stdlib_module_names) | {"kdcore"}


def test_it_keeps_the_data_readers_free_of_torch() -> None:
    _, added = _loaded_roots([], ["kdcore.data"])
    assert "torch" not in added


@pytest.mark.slow
def test_it_loads_av_and_cv2_only_for_video() -> None:
    _, added = _loaded_roots(["torch", "torchvision", "numpy", "PIL"], ["kdcore.video.analyze"])
    assert {"av", "cv2"} <= added
    public = {name for name in added - ALLOWED_ROOTS - set(sys.stdlib_module_names) if not name.startswith("_")}
    assert public == {"av", "cv2"}  # (PyAV's Cython runtime module, named with an underscore, comes along)
