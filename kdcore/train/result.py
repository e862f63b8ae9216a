"""What ``fit`` returns, and the plain metadata stored beside the chosen weights."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from torch import nn

from kdcore.evaluate import EvalResult


@dataclass
class FitResult:
    """What a run produced: the chosen model, its metrics and the epoch history."""

    model: nn.Module
    config: dict[str, Any]
    best_epoch: int
    val: EvalResult | None
    test: EvalResult | None
    test_tta: EvalResult | None
    history: list[dict[str, Any]] = field(default_factory=list)
    stopped: bool = False
    stop_reason: str = ""
    seconds: float = 0.0
    train_images_per_s: float = 0.0
    class_names: tuple[str, ...] = ()
    fingerprint: str = ""
    epochs: int = 0  # epochs planned at the end: the config's, or fewer when a time budget cut them

    def metrics(self) -> dict[str, Any]:
        """Plain JSON-ready summary (no tensors)."""
        return {
            "epochs": self.epochs,
            "best_epoch": self.best_epoch,
            "val": self.val.to_dict() if self.val else None,
            "test": self.test.to_dict() if self.test else None,
            "test_tta_flip": self.test_tta.to_dict() if self.test_tta else None,
            "stopped": self.stopped,
            "stop_reason": self.stop_reason,
            "seconds": round(self.seconds, 2),
            "train_images_per_s": round(self.train_images_per_s, 1),
        }


def checkpoint_meta(result: FitResult) -> dict[str, Any]:
    """Metadata stored beside the weights: names, data fingerprint, metrics, seed.

    ``arrays_fingerprint`` is ``FaceArrays.fingerprint()`` (pixels, labels and splits, not file names): what kdcore
    can prove about the data. The Studio adds its dataset version (id, label and the fingerprint its pages show),
    which is computed differently, hence the two names.
    """
    cfg = result.config
    return {
        "model": cfg["model"],
        "width_mult": getattr(result.model, "width_mult", None),
        "class_names": list(result.class_names),
        "arrays_fingerprint": result.fingerprint,
        "seed": cfg["seed"],
        "metrics": result.metrics(),
    }
