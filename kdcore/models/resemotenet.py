"""ResEmoteNet (Roy et al., IEEE SPL 2024, arXiv 2409.10545) and its Mini-ResEmoteNet students.

Students (arXiv 2501.18538) keep a fraction of the teacher's channels in every layer: A = 1/2,
B = 1/4, C = 1/8. One class serves all widths; every channel count goes through ``make_divisible``.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from kdcore.config import DEFAULT_INPUT_SIZE
from kdcore.models._registry import register_model
from kdcore.models.layers import ActLayer, ConvBnAct, NormLayer, ResidualBlock, SqueezeExcite, make_divisible

STEM_CHANNELS = (64, 128, 256)
RESIDUAL_CHANNELS = (512, 1024, 2048)
HEAD_CHANNELS = (1024, 512, 256)


def _relu() -> nn.Module:
    return nn.ReLU(inplace=True)


class ResEmoteNet(nn.Module):
    """CNN + SE + residual network for 7-class facial expression recognition on 3×64×64 inputs (or any size).

    Args:
        num_classes: output logits.
        width_mult: fraction of the teacher's channels kept in every layer, in (0, 1].
        scale_head: scale the fully connected head by ``width_mult`` too (the published student counts);
            ``False`` keeps the teacher's 1024-512-256 head.
        channel_divisor: round every scaled channel count to a multiple of this.
        input_size: the side the faces are resized to before the network; the weights do not depend on it
            (global average pooling), but a model is evaluated at the size it was trained at.
    """

    def __init__(
        self,
        *,
        num_classes: int = 7,
        width_mult: float = 1.0,
        scale_head: bool = True,
        channel_divisor: int = 1,
        norm_layer: NormLayer = nn.BatchNorm2d,
        act_layer: ActLayer = _relu,
        drop_rate: float = 0.2,
        head_drop_rate: float = 0.5,
        input_size: int = DEFAULT_INPUT_SIZE,
    ) -> None:
        super().__init__()
        if not 0 < width_mult <= 1:
            raise ValueError(f"width_mult must be in (0, 1], got {width_mult}")
        self.width_mult = width_mult
        self.num_classes = num_classes
        self.input_size = input_size

        def scaled(c: int) -> int:
            return make_divisible(c * width_mult, channel_divisor)

        c1, c2, c3 = (scaled(c) for c in STEM_CHANNELS)
        blocks: dict[str, Any] = {"norm_layer": norm_layer, "act_layer": act_layer}
        self.stem = nn.Sequential(
            ConvBnAct(3, c1, **blocks),
            nn.MaxPool2d(2),
            nn.Dropout(drop_rate),
            ConvBnAct(c1, c2, **blocks),
            nn.MaxPool2d(2),
            nn.Dropout(drop_rate),
            ConvBnAct(c2, c3, **blocks),
            nn.MaxPool2d(2),
        )
        self.se = SqueezeExcite(c3, reduction=16)
        residual, in_ch = [], c3
        for out in RESIDUAL_CHANNELS:
            residual.append(ResidualBlock(in_ch, scaled(out), stride=2, **blocks))
            in_ch = scaled(out)
        self.residual = nn.Sequential(*residual)
        self.num_features = in_ch
        self.head = self._build_head(in_ch, num_classes, scaled if scale_head else int, head_drop_rate)

    @staticmethod
    def _build_head(in_ch: int, num_classes: int, scaled: Any, drop: float) -> nn.Sequential:
        layers: list[nn.Module] = []
        for out in HEAD_CHANNELS:
            layers += [nn.Linear(in_ch, scaled(out)), nn.ReLU(inplace=True), nn.Dropout(drop)]
            in_ch = scaled(out)
        layers.append(nn.Linear(in_ch, num_classes))
        return nn.Sequential(*layers)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """[B, 3, S, S] → feature map [B, C, ⌈S/64⌉, ⌈S/64⌉] before pooling (1×1 at the paper's S = 64)."""
        features: torch.Tensor = self.residual(self.se(self.stem(x)))
        return features

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        """Feature map [B, C, h, w] → logits [B, num_classes] (or pooled features [B, C])."""
        pooled = x.mean(dim=(2, 3))
        return pooled if pre_logits else self.head(pooled)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """[B, 3, S, S] normalised images (S = ``input_size``) → logits [B, num_classes]."""
        return self.forward_head(self.forward_features(x))


def _resemotenet(*, width_mult: float, num_classes: int, **kwargs: Any) -> ResEmoteNet:
    return ResEmoteNet(width_mult=width_mult, num_classes=num_classes, **kwargs)


@register_model
def resemotenet(*, num_classes: int = 7, **kwargs: Any) -> ResEmoteNet:
    """The teacher: ResEmoteNet at full width (80,238,599 parameters)."""
    return _resemotenet(width_mult=1.0, num_classes=num_classes, **kwargs)


@register_model
def mini_resemotenet_a(*, num_classes: int = 7, **kwargs: Any) -> ResEmoteNet:
    """Student A: half of the teacher's channels in every layer."""
    return _resemotenet(width_mult=0.5, num_classes=num_classes, **kwargs)


@register_model
def mini_resemotenet_b(*, num_classes: int = 7, **kwargs: Any) -> ResEmoteNet:
    """Student B: a quarter of the teacher's channels in every layer."""
    return _resemotenet(width_mult=0.25, num_classes=num_classes, **kwargs)


@register_model
def mini_resemotenet_c(*, num_classes: int = 7, **kwargs: Any) -> ResEmoteNet:
    """Student C: an eighth of the teacher's channels in every layer."""
    return _resemotenet(width_mult=0.125, num_classes=num_classes, **kwargs)


@register_model
def mini_resemotenet(*, width_mult: float, num_classes: int = 7, **kwargs: Any) -> ResEmoteNet:
    """A student at any width in (0, 1]."""
    return _resemotenet(width_mult=width_mult, num_classes=num_classes, **kwargs)
