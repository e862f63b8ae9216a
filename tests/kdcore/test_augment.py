"""Batch preprocessing: shapes and dtypes, seeded determinism, deterministic eval input, soft mix targets."""

from __future__ import annotations

import pytest
import torch

from kdcore.augment import Mix, augment_batch, mix_images, mixed_labels
from kdcore.config import AugmentConfig
from kdcore.preprocess import IMAGENET_MEAN, IMAGENET_STD, to_model_input


def _faces(n: int = 6, size: int = 48) -> torch.Tensor:
    return torch.randint(0, 256, (n, size, size), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))


def test_it_turns_uint8_faces_into_normalised_model_input() -> None:
    x = augment_batch(_faces(), AugmentConfig(), gen=torch.Generator().manual_seed(0))
    assert x.shape == (6, 3, 64, 64)
    assert x.dtype == torch.float32
    assert torch.isfinite(x).all()


def test_it_can_return_channels_last() -> None:
    x = augment_batch(_faces(), AugmentConfig(), channels_last=True, gen=torch.Generator().manual_seed(0))
    assert x.is_contiguous(memory_format=torch.channels_last)


def test_it_repeats_itself_with_the_same_generator_seed() -> None:
    cfg = AugmentConfig(erasing=1.0)
    first = augment_batch(_faces(), cfg, gen=torch.Generator().manual_seed(7))
    second = augment_batch(_faces(), cfg, gen=torch.Generator().manual_seed(7))
    other = augment_batch(_faces(), cfg, gen=torch.Generator().manual_seed(8))
    assert torch.equal(first, second)
    assert not torch.equal(first, other)


def test_it_preprocesses_for_evaluation_deterministically() -> None:
    faces = _faces()
    torch.manual_seed(1)
    first = to_model_input(faces)
    torch.manual_seed(2)
    assert torch.equal(first, to_model_input(faces))
    assert first.shape == (6, 3, 64, 64)


def test_it_normalises_with_imagenet_statistics() -> None:
    white = torch.full((1, 64, 64), 255, dtype=torch.uint8)
    x = to_model_input(white)
    expected = [(1 - m) / s for m, s in zip(IMAGENET_MEAN, IMAGENET_STD, strict=True)]
    torch.testing.assert_close(x[0, :, 0, 0], torch.tensor(expected))


@pytest.mark.parametrize(("mixup", "cutmix"), [(1.0, 0.0), (0.0, 1.0), (0.4, 0.4)])
def test_it_mixes_into_soft_targets_that_sum_to_one(mixup: float, cutmix: float) -> None:
    torch.manual_seed(0)
    x, y = torch.randn(8, 3, 64, 64), torch.arange(8) % 7
    cfg = AugmentConfig(mixup_alpha=mixup, cutmix_alpha=cutmix, mix_prob=1.0)
    mixed, mix = mix_images(x, cfg, gen=torch.Generator().manual_seed(0))
    target = mixed_labels(y, mix, 7)
    assert mixed.shape == x.shape
    assert target.shape == (8, 7)
    torch.testing.assert_close(target.sum(1), torch.ones(8))
    assert (target >= 0).all()


def test_it_keeps_hard_targets_when_not_mixing() -> None:
    x, y = torch.randn(4, 3, 64, 64), torch.tensor([0, 1, 2, 3])
    mixed, mix = mix_images(x, AugmentConfig())
    target = mixed_labels(y, mix, 7)
    assert mixed is x
    assert target is y


@pytest.mark.parametrize("temperature", [1.0, 2.0, 4.0])
def test_mixed_logits_soften_into_the_mixed_distributions(temperature: float) -> None:
    torch.manual_seed(0)
    logits, perm = torch.randn(6, 7) * 3, torch.tensor([3, 0, 5, 1, 2, 4])
    mix = Mix(perm, 0.3)
    soft = torch.softmax(logits / temperature, dim=1)
    expected = 0.3 * soft + 0.7 * soft[perm]
    torch.testing.assert_close(torch.softmax(mix.logits(logits, temperature) / temperature, dim=1), expected)
    torch.testing.assert_close(mix.targets(soft), expected)
