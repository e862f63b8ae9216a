"""The Studio's built-in analysis model, shipped so a new team can analyse a recording before training anything.

Student B (a quarter of the teacher's channels, 5.0 M parameters, 160×160 input), trained on FER2013; see
MODEL_CARD.md beside this file for data, protocol, accuracy and the command that produced it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from kdcore.checkpoint import load_checkpoint
from kdcore.models import ResEmoteNet

DEFAULT_MODEL_PATH = Path(__file__).with_name("mini_resemotenet_b_fer2013.pt")


def load_default_model(*, device: torch.device | str = "cpu") -> tuple[ResEmoteNet, dict[str, Any]]:
    """The built-in Student B in eval mode (fp32 weights from the fp16 file) and its checkpoint metadata."""
    model, _, meta = load_checkpoint(DEFAULT_MODEL_PATH, device=device)
    return model, meta
