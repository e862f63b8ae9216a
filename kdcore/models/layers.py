"""Building blocks of ResEmoteNet, each scaled through one channel helper."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

NormLayer = Callable[[int], nn.Module]
ActLayer = Callable[[], nn.Module]


def make_divisible(value: float, divisor: int = 1, min_value: int | None = None) -> int:
    """Round a scaled channel count to a multiple of ``divisor``, never dropping below 90% of it.

    The same rule as torchvision's MobileNetV2: with ``divisor=1`` it is plain rounding, which is what
    reproduces the published student parameter counts (1/2, 1/4, 1/8 of every layer).
    """
    min_value = divisor if min_value is None else min_value
    rounded = max(min_value, int(value + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * value:
        rounded += divisor
    return rounded


class ConvBnAct(nn.Sequential):
    """3×3 convolution (with bias, as in the reference) → norm → activation."""

    def __init__(self, in_ch: int, out_ch: int, *, norm_layer: NormLayer, act_layer: ActLayer) -> None:
        super().__init__(nn.Conv2d(in_ch, out_ch, kernel_size=3, padding=1), norm_layer(out_ch), act_layer())


class SqueezeExcite(nn.Module):
    """Squeeze-and-Excitation (Hu et al., 2018): channel gates from globally pooled features.

    ``y = x · σ(W₂ δ(W₁ GAP(x)))``; bias-free linear layers as in ResEmoteNet's public code.
    """

    def __init__(self, channels: int, reduction: int = 16) -> None:
        super().__init__()
        hidden = max(1, channels // reduction)
        self.fc = nn.Sequential(
            nn.Linear(channels, hidden, bias=False),
            nn.ReLU(inplace=True),
            nn.Linear(hidden, channels, bias=False),
            nn.Sigmoid(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """[B, C, H, W] → [B, C, H, W]."""
        gates: torch.Tensor = self.fc(x.mean(dim=(2, 3)))
        return x * gates[:, :, None, None]


class ResidualBlock(nn.Module):
    """Basic residual block (He et al., 2016) with a 1×1 projection shortcut when the shape changes."""

    def __init__(self, in_ch: int, out_ch: int, *, stride: int, norm_layer: NormLayer, act_layer: ActLayer) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, out_ch, kernel_size=3, stride=stride, padding=1)
        self.bn1 = norm_layer(out_ch)
        self.conv2 = nn.Conv2d(out_ch, out_ch, kernel_size=3, padding=1)
        self.bn2 = norm_layer(out_ch)
        self.act = act_layer()
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or in_ch != out_ch:
            self.shortcut = nn.Sequential(nn.Conv2d(in_ch, out_ch, kernel_size=1, stride=stride), norm_layer(out_ch))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """[B, C_in, H, W] → [B, C_out, H/stride, W/stride]."""
        out = self.act(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        activated: torch.Tensor = self.act(out + self.shortcut(x))
        return activated
