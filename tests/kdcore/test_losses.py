"""Distillation losses against hand computations: KD's T² scaling, the α mix, and DKD's golden value."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F  # noqa: N812

from kdcore.config import DistillConfig
from kdcore.losses import DistillationLoss, KDLoss, dkd_loss, kd_kl_div

STUDENT = [[2.0, 0.5, -1.0], [0.1, 0.2, 0.3]]
TEACHER = [[1.0, 1.5, -0.5], [-1.0, 2.0, 0.0]]
TARGET = [0, 2]


def _softmax(row: list[float], T: float) -> list[float]:
    exps = [math.exp(v / T) for v in row]
    return [e / sum(exps) for e in exps]


def _kl(p: list[float], q: list[float]) -> float:
    """KL(p ‖ q) in plain Python."""
    return sum(pi * math.log(pi / qi) for pi, qi in zip(p, q, strict=True))


def _logits() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return torch.tensor(STUDENT), torch.tensor(TEACHER), torch.tensor(TARGET)


def test_it_is_zero_for_identical_logits() -> None:
    logits = torch.randn(8, 7, generator=torch.Generator().manual_seed(0))
    assert kd_kl_div(logits, logits.clone(), 4.0).item() == pytest.approx(0.0, abs=1e-6)
    assert KDLoss(2.0)(logits, logits.clone()).item() == pytest.approx(0.0, abs=1e-6)
    target = logits.argmax(1)
    assert dkd_loss(logits, logits.clone(), target, temperature=4.0).item() == pytest.approx(0.0, abs=1e-5)


@pytest.mark.parametrize("T", [1.0, 2.0, 4.0])
def test_it_matches_a_hand_computed_kd_with_t_squared(T: float) -> None:
    s, t, _ = _logits()
    expected = T**2 * sum(_kl(_softmax(tr, T), _softmax(sr, T)) for sr, tr in zip(STUDENT, TEACHER, strict=True)) / 2
    assert kd_kl_div(s, t, T).item() == pytest.approx(expected, rel=1e-5)


def test_it_scales_the_kl_by_t_squared() -> None:
    s, t, _ = _logits()
    plain = F.kl_div(F.log_softmax(s / 3, 1), F.softmax(t / 3, 1), reduction="batchmean")
    assert kd_kl_div(s, t, 3.0).item() == pytest.approx(9 * plain.item(), rel=1e-5)


def test_it_equals_cross_entropy_when_alpha_is_zero() -> None:
    s, t, y = _logits()
    loss = DistillationLoss({"ce": 1.0, "kd": 0.0}, temperature=4.0)(s, t, y)
    assert torch.equal(loss, F.cross_entropy(s, y))


def test_it_equals_pure_kd_when_alpha_is_one() -> None:
    s, t, y = _logits()
    loss = DistillationLoss({"ce": 0.0, "kd": 1.0}, temperature=4.0)(s, t, y)
    assert torch.equal(loss, kd_kl_div(s, t, 4.0))


def test_it_mixes_ce_and_kd_by_alpha() -> None:
    s, t, y = _logits()
    loss = DistillationLoss({"ce": 0.3, "kd": 0.7}, temperature=2.0)(s, t, y)
    expected = 0.3 * F.cross_entropy(s, y) + 0.7 * kd_kl_div(s, t, 2.0)
    torch.testing.assert_close(loss, expected)


def test_it_rejects_an_unknown_term() -> None:
    with pytest.raises(ValueError, match=r"unknown loss terms \['feature'\]; expected some of \['ce', 'dkd', 'kd'\]"):
        DistillationLoss({"ce": 0.5, "feature": 0.5})


def test_it_needs_teacher_logits_for_kd() -> None:
    s, _, y = _logits()
    with pytest.raises(ValueError, match="needs teacher logits"):
        DistillationLoss({"kd": 1.0})(s, None, y)


def test_it_gives_a_finite_dkd_with_gradients() -> None:
    gen = torch.Generator().manual_seed(1)
    s = torch.randn(16, 7, generator=gen, requires_grad=True)
    t, y = torch.randn(16, 7, generator=gen) * 5, torch.randint(0, 7, (16,), generator=gen)
    loss = dkd_loss(s, t, y, temperature=4.0)
    loss.backward()
    assert torch.isfinite(loss)
    assert loss.item() > 0
    assert torch.isfinite(s.grad).all()


def _hand_dkd(student: list[float], teacher: list[float], target: int, T: float, a: float, b: float) -> float:
    """Zhao et al. (2022), eq. 1–4, for one sample: binary (target, rest) KL and KL over non-target classes."""
    p_s, p_t = _softmax(student, T), _softmax(teacher, T)
    tckd = _kl([p_t[target], 1 - p_t[target]], [p_s[target], 1 - p_s[target]])
    others = [k for k in range(len(student)) if k != target]
    q_s = _softmax([student[k] for k in others], T)
    q_t = _softmax([teacher[k] for k in others], T)
    return (a * tckd + b * _kl(q_t, q_s)) * T**2


def test_it_matches_a_hand_computed_dkd() -> None:
    s, t, y = _logits()
    T, a, b = 2.0, 1.0, 8.0
    expected = sum(_hand_dkd(sr, tr, yr, T, a, b) for sr, tr, yr in zip(STUDENT, TEACHER, TARGET, strict=True)) / 2
    assert dkd_loss(s, t, y, temperature=T, alpha=a, beta=b).item() == pytest.approx(expected, rel=1e-5)


def test_it_decomposes_kd_into_tckd_and_weighted_nckd() -> None:
    """The paper's identity KD = TCKD + (1 − p_t) · NCKD, checked on the hand example with T = 1."""
    for sr, tr, yr in zip(STUDENT, TEACHER, TARGET, strict=True):
        kd = _kl(_softmax(tr, 1.0), _softmax(sr, 1.0))
        tckd = _hand_dkd(sr, tr, yr, 1.0, 1.0, 0.0)
        nckd = _hand_dkd(sr, tr, yr, 1.0, 0.0, 1.0)
        assert kd == pytest.approx(tckd + (1 - _softmax(tr, 1.0)[yr]) * nckd, rel=1e-9)


def test_it_falls_back_to_kd_for_soft_targets_in_dkd() -> None:
    s, t, y = _logits()
    soft = F.one_hot(y, 3).float()
    loss = DistillationLoss({"dkd": 1.0}, temperature=4.0)(s, t, soft)
    torch.testing.assert_close(loss, kd_kl_div(s, t, 4.0))


def test_it_defaults_to_the_configs_temperature_and_dkd_weights() -> None:
    s, t, y = _logits()
    cfg = DistillConfig()
    torch.testing.assert_close(DistillationLoss({"kd": 1.0})(s, t, y), kd_kl_div(s, t, cfg.temperature))
    dkd = dkd_loss(s, t, y, temperature=cfg.temperature, alpha=cfg.dkd_alpha, beta=cfg.dkd_beta)
    torch.testing.assert_close(DistillationLoss({"dkd": 1.0})(s, t, y), dkd)
    assert DistillationLoss({"kd": 1.0})(s, t, y) != DistillationLoss({"kd": 1.0}, temperature=4.0)(s, t, y)
