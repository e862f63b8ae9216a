"""FaceClassifier: the prepared copy gives the plain model's probabilities and leaves the caller's model alone."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from kdcore.preprocess import to_model_input
from kdcore.video.classify import FaceClassifier


def _plain_probabilities(model: nn.Module, crops: np.ndarray) -> np.ndarray:
    with torch.inference_mode():
        x = to_model_input(torch.from_numpy(crops), size=model.input_size)
        return torch.softmax(model.eval()(x), dim=1).numpy()


def test_it_matches_the_plain_model(tiny_model: nn.Module) -> None:
    crops = np.random.default_rng(0).integers(0, 256, (5, 48, 48), dtype=np.uint8)
    probs = FaceClassifier(tiny_model, "cpu").probabilities(crops)
    assert probs.shape == (5, 7)
    assert probs.dtype == np.float32
    np.testing.assert_allclose(probs, _plain_probabilities(tiny_model, crops), atol=1e-5)


def test_it_leaves_the_callers_model_as_it_was(tiny_model: nn.Module) -> None:
    before = {name: value.clone() for name, value in tiny_model.state_dict().items()}
    tiny_model.train()
    try:
        FaceClassifier(tiny_model, "cpu")
        assert tiny_model.training
        assert all(torch.equal(before[name], value) for name, value in tiny_model.state_dict().items())
        assert any(isinstance(module, nn.BatchNorm2d) for module in tiny_model.modules())
    finally:
        tiny_model.eval()


def test_it_runs_a_model_fx_cannot_trace() -> None:
    class Branchy(nn.Module):
        input_size = 32

        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 7, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            if x.sum() > 0:  # data-dependent control flow: torch.fx cannot trace this
                x = x * 1.0
            return self.conv(x).mean(dim=(2, 3))

    probs = FaceClassifier(Branchy(), "cpu").probabilities(np.zeros((2, 32, 32), dtype=np.uint8))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-6)
