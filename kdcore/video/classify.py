"""Batched emotion probabilities for face crops, through any kdcore model and the one shared preprocessing."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from kdcore.evaluate import input_size_of
from kdcore.preprocess import to_model_input
from kdcore.runtime import autocast


class FaceClassifier:
    """Wraps a model in eval/inference mode: uint8 crops [B, S, S] → softmax probabilities float32 [B, K].

    Crops go through ``to_model_input`` at the model's own ``input_size``, exactly as evaluation feeds it, so a
    model reads a video face the way it read its test set. bf16 autocast on CUDA, fp32 elsewhere.
    """

    def __init__(self, model: nn.Module, device: torch.device | str) -> None:
        self.device = torch.device(device)
        self.model = model.to(self.device).eval()
        self.input_size = input_size_of(model)

    @torch.inference_mode()
    def probabilities(self, crops: np.ndarray) -> np.ndarray:
        """Probabilities float32 [B, K] for uint8 ``crops`` [B, S, S]; [0, K] is never asked for (B ≥ 1)."""
        images = torch.from_numpy(np.ascontiguousarray(crops)).to(self.device)
        x = to_model_input(images, size=self.input_size)
        with autocast(self.device, True):
            logits = self.model(x).float()
        return torch.softmax(logits, dim=1).cpu().numpy().astype(np.float32)
