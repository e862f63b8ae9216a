"""Checkpoints: a state dict plus metadata that rebuilds the same model, in fp32 exactly and in fp16 closely."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from kdcore.checkpoint import load_checkpoint, save_checkpoint
from kdcore.config import TrainConfig
from kdcore.models import ResEmoteNet, create_model

CONFIG = TrainConfig(model="mini_resemotenet", width_mult=0.1, scale_head=False).to_dict()


def _model() -> ResEmoteNet:
    torch.manual_seed(0)
    model = create_model("mini_resemotenet", width_mult=0.1, scale_head=False, num_classes=3)
    model.eval()
    with torch.no_grad():  # non-trivial BN statistics, so a lost buffer would show in the logits
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
    return model


def _logits(model: torch.nn.Module) -> torch.Tensor:
    with torch.no_grad():
        return model.eval()(torch.randn(4, 3, 64, 64, generator=torch.Generator().manual_seed(1)))


def test_it_round_trips_fp32_weights_exactly(tmp_path: Path) -> None:
    model = _model()
    save_checkpoint(tmp_path / "model.pt", model, CONFIG, {"class_names": ["a", "b", "c"], "seed": 3})
    loaded, config, meta = load_checkpoint(tmp_path / "model.pt")
    assert torch.equal(_logits(loaded), _logits(model))
    assert config == CONFIG
    assert meta["seed"] == 3
    assert meta["dtype"] == "float32"
    assert {"kdcore_version", "torch_version"} <= meta.keys()
    assert not loaded.training


def test_it_round_trips_half_weights_closely(tmp_path: Path) -> None:
    model = _model()
    path = save_checkpoint(tmp_path / "half.pt", model, CONFIG, {"class_names": ["a", "b", "c"]}, half=True)
    fp32 = save_checkpoint(tmp_path / "full.pt", model, CONFIG, {"class_names": ["a", "b", "c"]})
    loaded, _, meta = load_checkpoint(path)
    assert meta["dtype"] == "float16"
    assert path.stat().st_size < 0.6 * fp32.stat().st_size
    assert next(loaded.parameters()).dtype == torch.float32
    torch.testing.assert_close(_logits(loaded), _logits(model), atol=2e-2, rtol=2e-2)


def test_it_rejects_a_file_that_is_not_a_checkpoint(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="cannot read checkpoint"):
        load_checkpoint(junk)
    torch.save({"weights": {}}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="is not a kdcore checkpoint"):
        load_checkpoint(tmp_path / "other.pt")


def test_it_reports_a_missing_checkpoint(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read checkpoint"):
        load_checkpoint(tmp_path / "missing.pt")
