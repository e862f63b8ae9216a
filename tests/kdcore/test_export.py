"""TorchScript and ONNX exports match eager PyTorch at batch 1 and 4."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import torch

from kdcore.export import check_parity, export_model, export_onnx, export_torchscript
from kdcore.models import ResEmoteNet, create_model

TOLERANCE = 1e-4


@pytest.fixture
def student() -> ResEmoteNet:
    """A small student in train mode, with non-trivial BN statistics so that eval-mode export matters."""
    torch.manual_seed(0)
    model = create_model("mini_resemotenet", width_mult=1 / 16)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
        model.head[-1].weight.mul_(100)  # logits of a trained model's size (~10), so 1e-4 is a tight bound
    return model.train()


def test_it_exports_torchscript_with_parity(student: ResEmoteNet, tmp_path: Path) -> None:
    path = export_torchscript(student, tmp_path / "student.pt")
    assert check_parity(student, path, "torchscript") < TOLERANCE
    assert student.training  # the caller's mode is restored


def test_it_exports_onnx_with_the_legacy_exporter_with_parity(student: ResEmoteNet, tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    path = export_onnx(student, tmp_path / "student.onnx", dynamo=False)
    assert check_parity(student, path, "onnx") < TOLERANCE
    assert student.training


@pytest.mark.slow
def test_it_exports_one_self_contained_onnx_file_with_parity(student: ResEmoteNet, tmp_path: Path) -> None:
    pytest.importorskip("onnxscript")
    pytest.importorskip("onnxruntime")
    path = export_model(student, tmp_path / "student.onnx", "onnx")
    assert check_parity(student, path, "onnx", batch_sizes=(1, 4, 7)) < TOLERANCE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["student.onnx"]


def test_it_notices_when_the_artifact_differs(student: ResEmoteNet, tmp_path: Path) -> None:
    path = export_torchscript(student, tmp_path / "student.pt")
    with torch.no_grad():
        student.head[-1].bias.add_(0.5)
    assert check_parity(student, path, "torchscript") == pytest.approx(0.5, abs=1e-4)


def test_it_rejects_an_unknown_format(student: ResEmoteNet, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export format 'tflite'; expected one of torchscript, onnx"):
        export_model(student, tmp_path / "x", "tflite")  # type: ignore[arg-type]  # an unknown format on purpose
    with pytest.raises(ValueError, match="unknown export format"):
        check_parity(student, tmp_path / "x", "tflite")  # type: ignore[arg-type]  # an unknown format on purpose


def _metadata(path: Path) -> dict[str, str]:
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return dict(session.get_modelmeta().custom_metadata_map)


def test_an_onnx_file_names_its_classes_in_its_metadata(student: ResEmoteNet, tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    names = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
    path = export_onnx(student, tmp_path / "student.onnx", dynamo=False, class_names=names)
    metadata = _metadata(path)
    assert json.loads(metadata["class_names"]) == names
    assert (metadata["input_size"], metadata["input_name"], metadata["output_name"]) == ("64", "images", "logits")
    assert check_parity(student, path, "onnx") < TOLERANCE  # the metadata changes nothing else


@pytest.mark.slow
def test_the_dynamo_export_names_its_classes_and_keeps_the_log_quiet(
    student: ResEmoteNet, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pytest.importorskip("onnxscript")
    pytest.importorskip("onnxruntime")
    caplog.set_level(logging.DEBUG)
    path = export_onnx(student, tmp_path / "student.onnx", class_names=["cat", "dog", "a", "b", "c", "d", "e"])
    assert json.loads(_metadata(path)["class_names"])[:2] == ["cat", "dog"]
    chatter = [record for record in caplog.records if record.name.split(".")[0] in {"onnx_ir", "onnxscript", "onnx"}]
    assert [record.getMessage() for record in chatter if record.levelno < logging.WARNING] == []
    assert logging.getLogger("onnx_ir").level == logging.NOTSET  # restored afterwards
