"""Every registered model: shapes, finiteness, the published parameter counts and each student's channel fraction."""

from __future__ import annotations

from typing import Any

import pytest
import torch
from torch import nn

from kdcore.benchmark import count_parameters
from kdcore.config import ANY_WIDTH_MODEL, FIXED_WIDTH_MODELS, MODEL_NAMES
from kdcore.models import ResEmoteNet, create_model, list_models

STUDENT_WIDTHS = {"mini_resemotenet_a": 0.5, "mini_resemotenet_b": 0.25, "mini_resemotenet_c": 0.125}
PUBLISHED_PARAMETERS = {
    "resemotenet": 80_238_599,
    "mini_resemotenet_a": 20_069_383,
    "mini_resemotenet_b": 5_022_215,
    "mini_resemotenet_c": 1_257_991,
}


def _kwargs(name: str) -> dict[str, Any]:
    """Builder arguments: the any-width student needs a width; others take none."""
    return {"width_mult": 1 / 16} if name == ANY_WIDTH_MODEL else {}


def _on_meta(name: str, **kwargs: Any) -> nn.Module:
    """Built without memory or init cost, for counting and shape checks."""
    with torch.device("meta"):
        return create_model(name, **kwargs)


def _layers(model: nn.Module) -> list[nn.Conv2d | nn.Linear]:
    return [m for m in model.modules() if isinstance(m, nn.Conv2d | nn.Linear)]


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n == "resemotenet" else n for n in list_models()]
)
def test_it_maps_a_batch_to_finite_logits(name: str) -> None:
    torch.manual_seed(0)
    model = create_model(name, **_kwargs(name)).eval()
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        logits = model(x)
        features = model.forward_features(x)
        pooled = model.forward_head(features, pre_logits=True)
        from_head = model.forward_head(features)
    assert logits.shape == (2, 7)
    assert torch.isfinite(logits).all()
    assert features.shape == (2, model.num_features, 1, 1)
    assert pooled.shape == (2, model.num_features)
    torch.testing.assert_close(from_head, logits)


@pytest.mark.parametrize("name", list_models())
def test_it_honours_num_classes(name: str) -> None:
    model = _on_meta(name, num_classes=3, **_kwargs(name))
    assert _layers(model)[-1].out_features == 3


@pytest.mark.parametrize(("name", "expected"), PUBLISHED_PARAMETERS.items())
def test_it_has_the_published_parameter_count(name: str, expected: int) -> None:
    assert count_parameters(_on_meta(name)) == expected


@pytest.mark.parametrize(("name", "width"), STUDENT_WIDTHS.items())
def test_it_keeps_the_stated_fraction_of_every_layer(name: str, width: float) -> None:
    teacher_layers, student_layers = _layers(_on_meta("resemotenet")), _layers(_on_meta(name))
    assert len(student_layers) == len(teacher_layers)
    *hidden, (teacher_classifier, student_classifier) = zip(teacher_layers, student_layers, strict=True)
    for index, (t, s) in enumerate(hidden):
        assert type(s) is type(t), index
        t_out = t.out_channels if isinstance(t, nn.Conv2d) else t.out_features
        s_out = s.out_channels if isinstance(s, nn.Conv2d) else s.out_features
        assert s_out == t_out * width, f"layer {index} ({type(t).__name__}): {s_out} vs {t_out} × {width}"
    assert student_classifier.out_features == teacher_classifier.out_features == 7


def test_it_keeps_the_teachers_head_without_head_scaling() -> None:
    model = _on_meta("mini_resemotenet_c", scale_head=False)
    head = [m.out_features for m in model.head if isinstance(m, nn.Linear)]
    assert head == [1024, 512, 256, 7]
    assert model.head[0].in_features == 2048 // 8


def test_it_is_one_class_for_every_width() -> None:
    assert all(isinstance(_on_meta(name, **_kwargs(name)), ResEmoteNet) for name in list_models())


@pytest.mark.parametrize("width", [1.5, 0.0, -0.25])
def test_it_rejects_a_width_outside_zero_to_one(width: float) -> None:
    with pytest.raises(ValueError, match=rf"width_mult must be in \(0, 1\], got {width}"):
        create_model("mini_resemotenet", width_mult=width)


def test_it_names_the_known_models_for_an_unknown_one() -> None:
    with pytest.raises(ValueError, match=r"unknown model 'resnet50'; expected one of .*mini_resemotenet_a"):
        create_model("resnet50")


def test_it_lists_every_builder_sorted() -> None:
    assert list_models() == sorted([*PUBLISHED_PARAMETERS, "mini_resemotenet"])


def test_it_registers_exactly_the_models_the_config_names() -> None:
    assert list_models() == sorted(MODEL_NAMES)
    assert set(FIXED_WIDTH_MODELS) == set(PUBLISHED_PARAMETERS)
    assert ANY_WIDTH_MODEL not in FIXED_WIDTH_MODELS
    with pytest.raises(TypeError, match="width_mult"):  # only the any-width student asks for a width
        _on_meta(ANY_WIDTH_MODEL)
