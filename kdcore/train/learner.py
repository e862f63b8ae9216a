"""The weights being trained and what moves them: optimiser, learning-rate schedule, weight EMA, loss and teachers."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from kdcore.augment import augment_batch, mix_images, mixed_labels
from kdcore.config import TrainConfig
from kdcore.losses import DistillationLoss
from kdcore.models import build_model
from kdcore.runtime import autocast
from kdcore.train.optim import (
    WeightEma,
    build_optimizer,
    frozen_norm_statistics,
    lr_at,
    sam_ascend,
    sam_restore,
    set_lr,
)
from kdcore.train.teachers import TeacherLogits


def loss_for(cfg: TrainConfig) -> DistillationLoss:
    """Cross-entropy alone, or mixed by α with the distillation term the config names."""
    if cfg.distill is None:
        return DistillationLoss({"ce": 1.0}, label_smoothing=cfg.label_smoothing)
    d = cfg.distill
    return DistillationLoss(
        {"ce": 1 - d.alpha, d.method: d.alpha},
        temperature=d.temperature,
        label_smoothing=cfg.label_smoothing,
        dkd_alpha=d.dkd_alpha,
        dkd_beta=d.dkd_beta,
    )


class Learner:
    """One model under training; ``step`` is one optimiser step on a batch of training images."""

    def __init__(
        self, cfg: TrainConfig, device: torch.device, *, num_classes: int, steps_per_epoch: int, train_checksum: str
    ) -> None:
        self.cfg, self.device, self.num_classes = cfg, device, num_classes
        self.model: nn.Module = build_model(cfg.to_dict(), num_classes).to(device)
        if cfg.channels_last:
            self.model = self.model.to(memory_format=torch.channels_last)
        # Built after the student: loading a teacher draws from the seeded RNG, which must init the student first.
        self.teacher = TeacherLogits.for_run(cfg, device, train_checksum)
        self.rng = np.random.default_rng(cfg.seed)  # host-side draws (mixup/cutmix), seeded per run
        self.criterion = loss_for(cfg)
        self.optimizer = build_optimizer(self.model, cfg)
        self.ema = WeightEma(self.model, cfg.ema_decay) if cfg.ema_decay > 0 else None
        self.warmup_steps = int(cfg.warmup_epochs * steps_per_epoch)
        self.total_steps = steps_per_epoch * cfg.epochs

    @property
    def eval_model(self) -> nn.Module:
        """The weights that are validated and kept: the EMA when enabled."""
        return self.ema.module if self.ema else self.model

    def step(
        self, images: torch.Tensor, labels: torch.Tensor, idx: torch.Tensor, gen: torch.Generator, global_step: int
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """One optimiser step on uint8 faces [B, H, W] with labels [B], training images ``idx`` of the split.

        Returns (loss, correct count) as device tensors, so the step never waits for the GPU.
        """
        cfg = self.cfg
        set_lr(self.optimizer, lr_at(global_step, self.total_steps, self.warmup_steps, cfg.lr))
        x = augment_batch(images, cfg.augment, size=cfg.input_size, channels_last=cfg.channels_last, gen=gen)
        x, mix = mix_images(x, cfg.augment, gen=gen, rng=self.rng)
        target = mixed_labels(labels, mix, self.num_classes)
        with autocast(self.device, cfg.bf16):
            teacher = self.teacher(x, idx, mix)
            logits = self.model(x)
            loss = self.criterion(logits, teacher, target)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if cfg.sam_rho > 0:
            self._sharpness_aware_gradient(x, teacher, target)
        self.optimizer.step()
        if self.ema:
            self.ema.update(self.model)
        hard = target if target.ndim == 1 else target.argmax(1)
        return loss.detach(), (logits.argmax(1) == hard).sum()

    def _sharpness_aware_gradient(self, x: torch.Tensor, teacher: torch.Tensor | None, target: torch.Tensor) -> None:
        """Replace the gradient with the one at weights moved ``sam_rho`` up it (SAM): a second forward and backward
        pass of the same batch, against the same teacher logits."""
        moved = sam_ascend(self.model, self.cfg.sam_rho)
        self.optimizer.zero_grad(set_to_none=True)
        with frozen_norm_statistics(self.model), autocast(self.device, self.cfg.bf16):
            loss = self.criterion(self.model(x), teacher, target)
        loss.backward()
        sam_restore(moved)
