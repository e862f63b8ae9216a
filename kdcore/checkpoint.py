"""Checkpoints: a state dict plus plain metadata, never a pickled model.

Layout: ``{"model": state_dict, "config": TrainConfig.to_dict(), "meta": {...}}`` where meta holds the model
name, width, class names, the data's fingerprint (``arrays_fingerprint``), metrics, seed and versions. Loaded
with ``weights_only=True``.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import torch
from torch import nn

import kdcore
from kdcore.models import ResEmoteNet, build_model


def save_checkpoint(
    path: str | Path, model: nn.Module, config: dict[str, Any], meta: dict[str, Any], *, half: bool = False
) -> Path:
    """Write weights (fp16 if ``half``) and metadata atomically; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {
        k: (v.half() if half and v.is_floating_point() else v).detach().cpu() for k, v in model.state_dict().items()
    }
    meta = {
        **meta,
        "kdcore_version": kdcore.__version__,
        "torch_version": str(torch.__version__),
        "dtype": "float16" if half else "float32",
    }
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save({"model": state, "config": config, "meta": meta}, tmp)
    tmp.replace(path)
    return path


def load_checkpoint(
    path: str | Path, *, device: torch.device | str = "cpu"
) -> tuple[ResEmoteNet, dict[str, Any], dict[str, Any]]:
    """Rebuild the model from a checkpoint (fp32, eval mode); returns (model, config, meta)."""
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
    except (OSError, RuntimeError, EOFError, pickle.UnpicklingError) as exc:  # missing, truncated, not torch.save
        raise ValueError(f"cannot read checkpoint {path}: {exc}") from exc
    if not isinstance(blob, dict) or not {"model", "config", "meta"} <= blob.keys():
        raise ValueError(f"{path} is not a kdcore checkpoint (expected keys model, config, meta)")
    meta = blob["meta"]
    model = build_model(blob["config"], num_classes=len(meta.get("class_names", [None] * 7)))
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in blob["model"].items()})
    return model.to(device).eval(), blob["config"], meta
