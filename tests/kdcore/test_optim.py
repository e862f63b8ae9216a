"""Sharpness-aware minimisation's helpers: the weights move by exactly rho and come back; norm statistics hold."""

from __future__ import annotations

import torch
from torch import nn

from kdcore.train.optim import frozen_norm_statistics, sam_ascend, sam_restore


def _model_with_gradients() -> nn.Module:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.Flatten(), nn.Linear(4 * 6 * 6, 3))
    model(torch.randn(8, 1, 8, 8)).logsumexp(1).mean().backward()
    return model


def test_sam_moves_the_weights_rho_up_the_gradient_and_back() -> None:
    model = _model_with_gradients()
    before = [p.detach().clone() for p in model.parameters()]
    grads = [p.grad.clone() for p in model.parameters()]
    moved = sam_ascend(model, rho=0.05)
    shift = torch.cat([(p.detach() - b).flatten() for p, b in zip(model.parameters(), before, strict=True)])
    assert abs(torch.linalg.vector_norm(shift).item() - 0.05) < 1e-6
    gradient = torch.cat([g.flatten() for g in grads])
    assert torch.nn.functional.cosine_similarity(shift, gradient, dim=0).item() > 0.9999
    sam_restore(moved)
    for p, b in zip(model.parameters(), before, strict=True):
        torch.testing.assert_close(p.detach(), b, atol=1e-7, rtol=0)


def test_sam_leaves_weights_without_gradients_alone() -> None:
    model = nn.Linear(3, 2)
    before = model.weight.detach().clone()
    assert sam_ascend(model, rho=0.05) == []
    sam_restore([])
    torch.testing.assert_close(model.weight.detach(), before, atol=0, rtol=0)


def test_frozen_norm_statistics_keep_the_running_averages_and_restore_momentum() -> None:
    norm = nn.BatchNorm2d(4).train()
    norm(torch.randn(8, 4, 5, 5) + 3)
    mean, var = norm.running_mean.clone(), norm.running_var.clone()
    with frozen_norm_statistics(norm):
        out = norm(torch.randn(8, 4, 5, 5) * 4)
    torch.testing.assert_close(norm.running_mean, mean, atol=0, rtol=0)
    torch.testing.assert_close(norm.running_var, var, atol=0, rtol=0)
    assert abs(out.mean().item()) < 1e-5  # still normalised with the batch's own statistics
    assert norm.momentum == 0.1
