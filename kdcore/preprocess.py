"""Inference preprocessing, shared by evaluation, training and video analysis: uint8 grayscale faces → model input.

ResEmoteNet replicates grayscale into 3 channels and normalises with ImageNet statistics; every face a model sees,
from a dataset or cropped from a video frame, goes through `to_model_input`, so a model reads the same input everywhere.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812

from kdcore.config import DEFAULT_INPUT_SIZE

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def normalize(gray: torch.Tensor, *, channels_last: bool = False) -> torch.Tensor:
    """Grayscale in [0, 1], [B, 1, H, W] → ImageNet-normalised 3-channel input [B, 3, H, W]."""
    mean = gray.new_tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
    std = gray.new_tensor(IMAGENET_STD).view(1, 3, 1, 1)
    x = (gray.expand(-1, 3, -1, -1) - mean) / std
    return x.contiguous(memory_format=torch.channels_last) if channels_last else x.contiguous()


def to_model_input(
    images: torch.Tensor, *, size: int = DEFAULT_INPUT_SIZE, channels_last: bool = False
) -> torch.Tensor:
    """Deterministic eval preprocessing: uint8 [B, H, W] → normalised float [B, 3, size, size]."""
    gray = images.unsqueeze(1).float().div_(255)
    if gray.shape[-1] != size or gray.shape[-2] != size:
        gray = F.interpolate(gray, size=(size, size), mode="bilinear", align_corners=False)
    return normalize(gray, channels_last=channels_last)
