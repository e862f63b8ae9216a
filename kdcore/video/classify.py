"""Batched emotion probabilities for face crops, through any kdcore model and the one shared preprocessing."""

from __future__ import annotations

import contextlib
import copy

import numpy as np
import torch
from torch import nn
from torch.fx.experimental.optimization import fuse

from kdcore.evaluate import input_size_of
from kdcore.preprocess import to_model_input
from kdcore.runtime import autocast


class FaceClassifier:
    """A model for inference: uint8 crops [B, S, S] → softmax probabilities float32 [B, K].

    Crops go through ``to_model_input`` at the model's own ``input_size``, exactly as evaluation feeds it, so a
    model reads a video face the way it read its test set. bf16 autocast on CUDA, fp32 elsewhere. The model is
    copied (the caller's stays as it was) and prepared for speed without changing its outputs beyond float
    rounding: batch norms folded into their convolutions and channels-last weights. Student B at 160 px, batch 32,
    one thread on the 2-core CPU: 4.7–6.5 ms a face as loaded, 2.5–3.3 ms prepared (docs/results.md).
    """

    def __init__(self, model: nn.Module, device: torch.device | str) -> None:
        self.device = torch.device(device)
        self.input_size = input_size_of(model)
        self.model = inference_copy(model, self.device)

    @torch.inference_mode()
    def probabilities(self, crops: np.ndarray) -> np.ndarray:
        """Probabilities float32 [B, K] for uint8 ``crops`` [B, S, S] (B ≥ 1)."""
        images = torch.from_numpy(np.ascontiguousarray(crops)).to(self.device)
        x = to_model_input(images, size=self.input_size, channels_last=True)
        with autocast(self.device, True):
            logits = self.model(x).float()
        return torch.softmax(logits, dim=1).cpu().numpy().astype(np.float32)


def inference_copy(model: nn.Module, device: torch.device) -> nn.Module:
    """An eval-mode copy of ``model`` on ``device``, batch norms folded (when torch.fx can trace it), channels-last."""
    prepared = copy.deepcopy(model).to(device).eval()
    with contextlib.suppress(Exception):  # fx fails in many ways on untraceable models: those simply run unfused
        prepared = fuse(prepared)
    return prepared.to(memory_format=torch.channels_last)
