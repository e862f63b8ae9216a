"""Batch preprocessing and augmentation on the GPU, on uint8 grayscale faces [B, H, W].

One ``affine_grid``/``grid_sample`` does resize (48→64, or the run's input size), random crop/zoom, rotation,
translation and flip in a single resampling, so augmentation costs a few kernels per batch instead of a CPU worker
pool.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812

from kdcore.config import DEFAULT_INPUT_SIZE, AugmentConfig
from kdcore.preprocess import normalize


def _uniform(n: int, low: float, high: float, device: torch.device, gen: torch.Generator | None) -> torch.Tensor:
    return torch.rand(n, device=device, generator=gen) * (high - low) + low


def random_affine(
    gray: torch.Tensor, cfg: AugmentConfig, *, size: int, gen: torch.Generator | None = None
) -> torch.Tensor:
    """Random zoom, rotation, translation and flip in one resampling. [B, 1, H, W] → [B, 1, size, size]."""
    n, dev = gray.shape[0], gray.device
    scale = _uniform(n, cfg.crop_scale, 1.0, dev, gen)
    angle = _uniform(n, -cfg.rotation_deg, cfg.rotation_deg, dev, gen) * (math.pi / 180)
    shift = (torch.rand(n, 2, device=dev, generator=gen) * 2 - 1) * (cfg.translate * 2 + (1 - scale)[:, None])
    flip = torch.ones(n, device=dev)
    if cfg.flip:
        flip = torch.where(torch.rand(n, device=dev, generator=gen) < 0.5, -flip, flip)
    cos, sin = torch.cos(angle) * scale, torch.sin(angle) * scale
    theta = torch.stack(
        [torch.stack([cos * flip, -sin, shift[:, 0]], 1), torch.stack([sin * flip, cos, shift[:, 1]], 1)], 1
    )
    grid = F.affine_grid(theta, [n, 1, size, size], align_corners=False)
    return F.grid_sample(gray, grid, mode="bilinear", padding_mode="border", align_corners=False)


def random_erasing(x: torch.Tensor, prob: float, *, gen: torch.Generator | None = None) -> torch.Tensor:
    """Zhong et al. (2020): blank one random box (2–33% of the area, aspect 0.3–3.3) per image with ``prob``."""
    n, _, h, w = x.shape
    dev = x.device
    area = _uniform(n, 0.02, 0.33, dev, gen) * h * w
    log_ratio = _uniform(n, math.log(0.3), math.log(1 / 0.3), dev, gen)
    bh = (area * log_ratio.exp()).sqrt().clamp(1, h)
    bw = (area / log_ratio.exp()).sqrt().clamp(1, w)
    top = torch.rand(n, device=dev, generator=gen) * (h - bh)
    left = torch.rand(n, device=dev, generator=gen) * (w - bw)
    rows = torch.arange(h, device=dev).view(1, h, 1)
    cols = torch.arange(w, device=dev).view(1, 1, w)
    in_rows = (rows >= top.view(n, 1, 1)) & (rows < (top + bh).view(n, 1, 1))
    in_cols = (cols >= left.view(n, 1, 1)) & (cols < (left + bw).view(n, 1, 1))
    inside = in_rows & in_cols & (torch.rand(n, device=dev, generator=gen) < prob).view(n, 1, 1)
    noise = torch.rand(x.shape, device=dev, generator=gen)
    return torch.where(inside.unsqueeze(1), noise, x)


def augment_batch(
    images: torch.Tensor,
    cfg: AugmentConfig,
    *,
    size: int = DEFAULT_INPUT_SIZE,
    channels_last: bool = False,
    gen: torch.Generator | None = None,
) -> torch.Tensor:
    """Training preprocessing: uint8 [B, H, W] → augmented, normalised float [B, 3, size, size]."""
    gray = random_affine(images.unsqueeze(1).float().div_(255), cfg, size=size, gen=gen)
    if cfg.erasing > 0:
        gray = random_erasing(gray, cfg.erasing, gen=gen)
    return normalize(gray, channels_last=channels_last)


@dataclass(frozen=True)
class Mix:
    """How a batch was mixed: image ``i`` became ``lam``·image ``i`` + (1 − ``lam``)·image ``perm[i]``."""

    perm: torch.Tensor
    lam: float

    def targets(self, probs: torch.Tensor) -> torch.Tensor:
        """Per-image distributions [B, K] mixed the way the images were."""
        return probs * self.lam + probs[self.perm] * (1 - self.lam)

    def logits(self, logits: torch.Tensor, temperature: float) -> torch.Tensor:
        """Logits [B, K] whose softmax at ``temperature`` is the mix of the given logits' softmax at it.

        Stored teacher logits belong to the unmixed images; this gives the mixed images their targets.
        """
        probs = self.targets(F.softmax(logits.float() / temperature, dim=1))
        return probs.clamp_min(torch.finfo(probs.dtype).tiny).log() * temperature


def mix_images(
    x: torch.Tensor,
    cfg: AugmentConfig,
    *,
    gen: torch.Generator | None = None,
    rng: np.random.Generator | None = None,
) -> tuple[torch.Tensor, Mix | None]:
    """Mixup (Zhang et al., 2018) or CutMix (Yun et al., 2019) with ``mix_prob``; None when this batch is not mixed.

    ``rng`` draws the host-side numbers (whether to mix, λ, the box), ``gen`` the pairing on ``x``'s device;
    both seeded by the caller, so a run is repeatable.
    """
    rng = rng if rng is not None else np.random.default_rng()
    if not cfg.mixes or rng.random() >= cfg.mix_prob:
        return x, None
    use_cutmix = cfg.cutmix_alpha > 0 and (cfg.mixup_alpha == 0 or rng.random() < 0.5)
    alpha = cfg.cutmix_alpha if use_cutmix else cfg.mixup_alpha
    lam = float(rng.beta(alpha, alpha))
    perm = torch.randperm(x.shape[0], device=x.device, generator=gen)
    if use_cutmix:
        x, lam = _cutmix(x, perm, lam, rng)
    else:
        x = x * lam + x[perm] * (1 - lam)
    return x, Mix(perm, lam)


def mixed_labels(y: torch.Tensor, mix: Mix | None, num_classes: int) -> torch.Tensor:
    """Class indices [B] mixed into soft targets [B, K] as the images were; unchanged when ``mix`` is None,
    so CE and DKD keep their exact forms."""
    return mix.targets(F.one_hot(y, num_classes).float()) if mix else y


def _cutmix(x: torch.Tensor, perm: torch.Tensor, lam: float, rng: np.random.Generator) -> tuple[torch.Tensor, float]:
    h, w = x.shape[-2:]
    cut_h, cut_w = int(h * math.sqrt(1 - lam)), int(w * math.sqrt(1 - lam))
    cy, cx = int(rng.integers(h)), int(rng.integers(w))
    top, bottom = max(cy - cut_h // 2, 0), min(cy + cut_h // 2, h)
    left, right = max(cx - cut_w // 2, 0), min(cx + cut_w // 2, w)
    x = x.clone()
    x[..., top:bottom, left:right] = x[perm][..., top:bottom, left:right]
    return x, 1 - (bottom - top) * (right - left) / (h * w)
