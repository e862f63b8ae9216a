"""GPU discovery without torch: nvidia-smi when present, the driver's device file otherwise."""

import subprocess
from pathlib import Path
from unittest import mock

import pytest

from worker import gpu


def test_it_names_the_gpus_nvidia_smi_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gpu.shutil, "which", lambda name: "/usr/bin/nvidia-smi")
    done = subprocess.CompletedProcess([], 0, stdout="NVIDIA H100 80GB HBM3\nNVIDIA H100 80GB HBM3\n")
    with mock.patch.object(gpu.subprocess, "run", return_value=done):
        assert gpu.gpu_names() == ["NVIDIA H100 80GB HBM3", "NVIDIA H100 80GB HBM3"]


def test_it_reports_no_gpu_when_nvidia_smi_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gpu.shutil, "which", lambda name: "/usr/bin/nvidia-smi")
    with mock.patch.object(gpu.subprocess, "run", side_effect=subprocess.CalledProcessError(9, "nvidia-smi")):
        assert gpu.gpu_names() == []


def test_it_falls_back_to_the_driver_device(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gpu.shutil, "which", lambda name: None)
    monkeypatch.setattr(gpu, "Path", lambda path: mock.Mock(spec=Path, exists=lambda: path == "/dev/nvidia0"))
    assert gpu.gpu_names() == ["NVIDIA GPU"]
