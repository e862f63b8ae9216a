"""Classification metrics from predictions: accuracy, confusion matrix, per-class F1."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class ClassificationReport:
    """Plain numbers, ready for JSON: accuracy in [0, 1], confusion[true][pred] counts."""

    accuracy: float
    macro_f1: float
    per_class_f1: list[float]
    confusion: list[list[int]]
    count: int


def confusion_matrix(target: torch.Tensor, pred: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Counts [K, K] indexed [true, predicted], from class indices [N] and [N]."""
    flat = target.long() * num_classes + pred.long()
    return torch.bincount(flat, minlength=num_classes**2).view(num_classes, num_classes)


def classification_report(target: torch.Tensor, pred: torch.Tensor, num_classes: int) -> ClassificationReport:
    """Accuracy, macro F1 and per-class F1 (0 for a class never predicted nor present)."""
    cm = confusion_matrix(target.cpu(), pred.cpu(), num_classes).double()
    tp = cm.diag()
    denom = cm.sum(0) + cm.sum(1)
    f1 = torch.where(denom > 0, 2 * tp / denom.clamp_min(1), torch.zeros_like(tp))
    total = int(cm.sum().item())
    return ClassificationReport(
        accuracy=float(tp.sum().item() / max(total, 1)),
        macro_f1=float(f1.mean().item()),
        per_class_f1=[round(float(v), 6) for v in f1],
        confusion=cm.long().tolist(),
        count=total,
    )
