"""Deterministic evaluation: eval mode, inference mode, fixed preprocessing, unshuffled batches."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn

from kdcore.config import DEFAULT_INPUT_SIZE
from kdcore.metrics import ClassificationReport, classification_report
from kdcore.preprocess import to_model_input
from kdcore.runtime import autocast


@dataclass(frozen=True)
class EvalResult:
    """A classification report plus the mean cross-entropy on the split."""

    loss: float
    report: ClassificationReport

    @property
    def accuracy(self) -> float:
        """Top-1 accuracy in [0, 1]."""
        return self.report.accuracy

    def to_dict(self) -> dict[str, Any]:
        """Plain numbers for JSON."""
        return {"loss": self.loss, **asdict(self.report)}


def input_size_of(model: nn.Module) -> int:
    """The side a model's inputs are resized to: its ``input_size`` attribute, else the paper's 64."""
    return int(getattr(model, "input_size", DEFAULT_INPUT_SIZE))


@torch.inference_mode()
def predict_logits(
    model: nn.Module,
    images: torch.Tensor,
    *,
    batch_size: int = 512,
    bf16: bool = True,
    tta_flip: bool = False,
    channels_last: bool = False,
) -> torch.Tensor:
    """Logits [N, K] (fp32, on the images' device) for uint8 faces [N, H, W]; ``tta_flip`` averages a mirror.

    Faces are resized to the model's ``input_size`` (64 when the model does not say).
    """
    was_training = model.training
    model.eval()
    size = input_size_of(model)
    outputs = []
    for start in range(0, images.shape[0], batch_size):
        x = to_model_input(images[start : start + batch_size], size=size, channels_last=channels_last)
        with autocast(x.device, bf16):
            logits = model(x).float()
            if tta_flip:
                logits = (logits + model(x.flip(-1)).float()) / 2
        outputs.append(logits)
    model.train(was_training)
    return torch.cat(outputs) if outputs else images.new_zeros((0, 0), dtype=torch.float32)


def evaluate(
    model: nn.Module,
    images: torch.Tensor,
    labels: torch.Tensor,
    *,
    num_classes: int = 7,
    batch_size: int = 512,
    bf16: bool = True,
    tta_flip: bool = False,
    channels_last: bool = False,
) -> EvalResult:
    """Accuracy, F1, confusion and loss of ``model`` on uint8 faces [N, H, W] with labels [N].

    An empty split gives accuracy 0 over a count of 0 rather than an error, so a run on a tiny dataset still ends.
    """
    if len(labels) == 0:
        return EvalResult(loss=0.0, report=classification_report(labels, labels, num_classes))
    logits = predict_logits(
        model, images, batch_size=batch_size, bf16=bf16, tta_flip=tta_flip, channels_last=channels_last
    )
    loss = float(F.cross_entropy(logits, labels.to(logits.device)).item())
    return EvalResult(loss=loss, report=classification_report(labels, logits.argmax(1), num_classes))
