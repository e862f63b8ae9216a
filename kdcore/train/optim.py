"""Optimiser, learning-rate schedule and weight EMA for the training loop."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from kdcore.config import TrainConfig


def build_optimizer(model: nn.Module, cfg: TrainConfig) -> torch.optim.Optimizer:
    """SGD (Nesterov) or AdamW; biases and norm weights get no weight decay."""
    decay = [p for p in model.parameters() if p.requires_grad and p.ndim > 1]
    no_decay = [p for p in model.parameters() if p.requires_grad and p.ndim <= 1]
    groups = [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    if cfg.optimizer == "adamw":
        return torch.optim.AdamW(groups, lr=cfg.lr)
    return torch.optim.SGD(groups, lr=cfg.lr, momentum=cfg.momentum, nesterov=cfg.momentum > 0)


def lr_at(step: int, total_steps: int, warmup_steps: int, base_lr: float) -> float:
    """Linear warm-up, then cosine decay to zero at ``total_steps``."""
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    return base_lr * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    """Apply one learning rate to every parameter group."""
    for group in optimizer.param_groups:
        group["lr"] = lr


class WeightEma:
    """Exponential moving average of weights (Polyak averaging); buffers are copied, not averaged.

    The decay ramps up as ``(1 + n) / (10 + n)`` so early averages are not dominated by random init.
    """

    def __init__(self, model: nn.Module, decay: float) -> None:
        self.decay = decay
        self.updates = 0
        self.module = copy.deepcopy(model).eval().requires_grad_(False)

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        """Move the average towards the current weights."""
        self.updates += 1
        decay = min(self.decay, (1 + self.updates) / (10 + self.updates))
        ema_params: list[torch.Tensor] = [p for p in self.module.parameters() if p.is_floating_point()]
        torch._foreach_lerp_(ema_params, [p.detach() for p in model.parameters()], 1 - decay)
        # One fused launch for all BN statistics: a per-buffer copy_ loop costs ~50 launches a step.
        torch._foreach_copy_(list(self.module.buffers()), list(model.buffers()))


@torch.no_grad()
def sam_ascend(model: nn.Module, rho: float) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Move the weights a distance ``rho`` up their gradient, the first-order worst point nearby (sharpness-aware
    minimisation, Foret et al. 2021); returns what ``sam_restore`` needs to move them back."""
    with_grad = [(p, p.grad) for p in model.parameters() if p.grad is not None]
    if not with_grad:
        return []
    params: list[torch.Tensor] = [p for p, _ in with_grad]
    grads = [grad for _, grad in with_grad]
    norm = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))
    steps = torch._foreach_mul(grads, rho / (norm + 1e-12))
    torch._foreach_add_(params, steps)
    return list(zip(params, steps, strict=True))


@torch.no_grad()
def sam_restore(moved: list[tuple[torch.Tensor, torch.Tensor]]) -> None:
    """Put the weights back where ``sam_ascend`` found them (their gradients stay those of the moved point)."""
    if moved:
        params, steps = zip(*moved, strict=True)
        torch._foreach_sub_(list(params), list(steps))


@contextmanager
def frozen_norm_statistics(model: nn.Module) -> Iterator[None]:
    """Batch-norm layers normalise with the batch as usual but leave their running statistics untouched
    (SAM's second pass sees the same batch again and must not count it twice)."""
    layers = [m for m in model.modules() if isinstance(m, _BatchNorm)]
    saved = [m.momentum for m in layers]
    for m in layers:
        m.momentum = 0.0
    try:
        yield
    finally:
        for m, momentum in zip(layers, saved, strict=True):
            m.momentum = momentum
