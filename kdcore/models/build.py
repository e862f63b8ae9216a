"""Build the model a config names: the one place that turns a config dict into builder arguments.

Checkpoints, the training loop and benchmarks all build models from ``TrainConfig.to_dict()``-shaped dicts.
"""

from __future__ import annotations

from typing import Any

from kdcore.config import DEFAULT_INPUT_SIZE
from kdcore.models._registry import create_model
from kdcore.models.resemotenet import ResEmoteNet


def model_kwargs(config: dict[str, Any]) -> dict[str, Any]:
    """Builder arguments for the model a config names."""
    kwargs: dict[str, Any] = {
        "scale_head": config.get("scale_head", True),
        "input_size": config.get("input_size", DEFAULT_INPUT_SIZE),  # checkpoints from before the setting: 64
    }
    if config.get("width_mult") is not None:
        kwargs["width_mult"] = config["width_mult"]
    return kwargs


def build_model(config: dict[str, Any], num_classes: int = 7) -> ResEmoteNet:
    """Create the (untrained) model that ``config`` describes."""
    model = create_model(config["model"], num_classes=num_classes, **model_kwargs(config))
    assert isinstance(model, ResEmoteNet)
    return model
