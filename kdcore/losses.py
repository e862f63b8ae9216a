"""Distillation losses: Hinton KD and decoupled KD, as functions with small ``nn.Module`` twins.

KD (Hinton et al., 2015): ``α·T²·KL(softmax(t/T) ‖ softmax(s/T)) + (1−α)·CE(s, y)``. The T² factor keeps the
soft-target gradients on the same scale as CE when T changes.
DKD (Zhao et al., CVPR 2022): KL split into a target-class term (TCKD) and a non-target term (NCKD),
weighted separately: ``dkd_alpha·TCKD + dkd_beta·NCKD``, both scaled by T².
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn

from kdcore.config import DistillConfig


def kd_kl_div(student_logits: torch.Tensor, teacher_logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """T²·KL(softmax(t/T) ‖ softmax(s/T)), averaged over the batch. Logits [B, K] → scalar."""
    s = F.log_softmax(student_logits.float() / temperature, dim=1)
    t = F.log_softmax(teacher_logits.float() / temperature, dim=1)
    return F.kl_div(s, t, reduction="batchmean", log_target=True) * temperature**2


def _binary_kl(p_student: torch.Tensor, p_teacher: torch.Tensor) -> torch.Tensor:
    """KL between two-way (target, rest) distributions, each [B, 2], summed then batch-averaged."""
    eps = torch.finfo(p_student.dtype).tiny
    return (p_teacher * (p_teacher.clamp_min(eps).log() - p_student.clamp_min(eps).log())).sum(1).mean()


def dkd_loss(
    student_logits: torch.Tensor,
    teacher_logits: torch.Tensor,
    target: torch.Tensor,
    *,
    temperature: float,
    alpha: float = DistillConfig.dkd_alpha,
    beta: float = DistillConfig.dkd_beta,
) -> torch.Tensor:
    """Decoupled KD: α·TCKD + β·NCKD, each scaled by T². Logits [B, K], target [B] → scalar."""
    s, t, T = student_logits.float(), teacher_logits.float(), temperature
    gt = F.one_hot(target, s.shape[1]).bool()
    p_s, p_t = F.softmax(s / T, dim=1), F.softmax(t / T, dim=1)
    bin_s = torch.stack([(p_s * gt).sum(1), (p_s * ~gt).sum(1)], dim=1)
    bin_t = torch.stack([(p_t * gt).sum(1), (p_t * ~gt).sum(1)], dim=1)
    tckd = _binary_kl(bin_s, bin_t)
    # Non-target distributions: mask the target logit out with a large negative value before the softmax.
    masked_s = F.log_softmax(s / T - 1000.0 * gt, dim=1)
    masked_t = F.log_softmax(t / T - 1000.0 * gt, dim=1)
    nckd = F.kl_div(masked_s, masked_t, reduction="batchmean", log_target=True)
    return (alpha * tckd + beta * nckd) * T**2


class KDLoss(nn.Module):
    """Module twin of :func:`kd_kl_div`."""

    def __init__(self, temperature: float) -> None:
        super().__init__()
        self.temperature = temperature

    def forward(self, student_logits: torch.Tensor, teacher_logits: torch.Tensor) -> torch.Tensor:
        """Logits [B, K], [B, K] → scalar."""
        return kd_kl_div(student_logits, teacher_logits, self.temperature)


Term = Callable[[torch.Tensor, torch.Tensor | None, torch.Tensor], torch.Tensor]


class DistillationLoss(nn.Module):
    """Weighted sum of named terms (``ce``, ``kd``, ``dkd``); each term sees (student, teacher, target).

    Targets may be class indices [B] or soft (mixed) targets [B, K]; DKD needs hard targets and falls back
    to plain KD on mixed batches. Defaults are ``DistillConfig``'s, so a loss built without them matches a run's.
    """

    def __init__(
        self,
        weights: dict[str, float],
        *,
        temperature: float = DistillConfig.temperature,
        label_smoothing: float = 0.0,
        dkd_alpha: float = DistillConfig.dkd_alpha,
        dkd_beta: float = DistillConfig.dkd_beta,
    ) -> None:
        super().__init__()
        terms: dict[str, Term] = {
            "ce": lambda s, t, y: F.cross_entropy(s.float(), y, label_smoothing=label_smoothing),
            "kd": lambda s, t, y: kd_kl_div(s, _need(t), temperature),
            "dkd": lambda s, t, y: (
                dkd_loss(s, _need(t), y, temperature=temperature, alpha=dkd_alpha, beta=dkd_beta)
                if y.ndim == 1
                else kd_kl_div(s, _need(t), temperature)
            ),
        }
        unknown = sorted(set(weights) - set(terms))
        if unknown:
            raise ValueError(f"unknown loss terms {unknown}; expected some of {sorted(terms)}")
        self.weights = {name: w for name, w in weights.items() if w != 0}
        self._terms = terms

    def forward(
        self, student_logits: torch.Tensor, teacher_logits: torch.Tensor | None, target: torch.Tensor
    ) -> torch.Tensor:
        """Student logits [B, K], teacher logits [B, K] or None, target [B] or [B, K] → scalar."""
        total = student_logits.new_zeros((), dtype=torch.float32)
        for name, weight in self.weights.items():
            total = total + weight * self._terms[name](student_logits, teacher_logits, target)
        return total


def _need(teacher_logits: torch.Tensor | None) -> torch.Tensor:
    if teacher_logits is None:
        raise ValueError("this loss term needs teacher logits, but the run has no teacher")
    return teacher_logits
