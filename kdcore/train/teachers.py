"""What a distilling run learns from: the logits of frozen teachers, or a teacher's logits stored beforehand."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn

from kdcore.augment import Mix
from kdcore.checkpoint import load_checkpoint
from kdcore.config import TrainConfig
from kdcore.evaluate import input_size_of
from kdcore.soft_targets import load_soft_targets


def load_teachers(paths: Sequence[str], device: torch.device, channels_last: bool) -> list[nn.Module]:
    """Frozen teachers in eval mode; their logits are averaged when there are several."""
    teachers: list[nn.Module] = []
    for path in paths:
        model, _, _ = load_checkpoint(path, device=device)
        model.requires_grad_(False)
        teachers.append(model.to(memory_format=torch.channels_last) if channels_last else model)
    return teachers


class TeacherLogits:
    """The teacher's side of each training batch: frozen teachers run on it, or stored logits are looked up.

    A run that does not distil has neither, and gets None for every batch.
    """

    def __init__(self, teachers: Sequence[nn.Module], stored: torch.Tensor | None, temperature: float) -> None:
        self.teachers, self.stored, self.temperature = list(teachers), stored, temperature

    @classmethod
    def for_run(cls, cfg: TrainConfig, device: torch.device, train_checksum: str) -> TeacherLogits:
        """The teachers or stored soft targets ``cfg.distill`` names (stored ones checked against the train split)."""
        distill = cfg.distill
        if distill is None:
            return cls([], None, 1.0)
        if distill.soft_targets:
            stored = torch.from_numpy(load_soft_targets(distill.soft_targets, train_checksum)).to(device)
            return cls([], stored, distill.temperature)
        return cls(load_teachers(distill.teacher_checkpoints, device, cfg.channels_last), None, distill.temperature)

    def __call__(self, x: torch.Tensor, idx: torch.Tensor, mix: Mix | None) -> torch.Tensor | None:
        """Mean logits [B, K] of the frozen teachers on batch ``x``, or the stored ones of training images ``idx``
        mixed as ``x`` was; None when not distilling."""
        if self.stored is not None:
            stored = self.stored[idx]
            return mix.logits(stored, self.temperature) if mix else stored
        if not self.teachers:
            return None
        logits = []
        with torch.no_grad():
            for teacher in self.teachers:  # each teacher sees the batch at the size it was trained at
                size = input_size_of(teacher)
                xt = x if x.shape[-1] == size else F.interpolate(x, size=(size, size), mode="bilinear")
                logits.append(teacher(xt).float())
        return torch.stack(logits).mean(0)
