"""Run configs: JSON round trips, field-by-field errors and unknown keys."""

from __future__ import annotations

import json

import pytest

from kdcore.config import AugmentConfig, ConfigError, DataConfig, DistillConfig, TrainConfig


def _distill_config() -> TrainConfig:
    return TrainConfig(
        data=DataConfig(path="/data/fer2013.csv", image_size=48),
        model="mini_resemotenet",
        width_mult=0.3,
        augment=AugmentConfig(erasing=0.5),
        distill=DistillConfig(teacher_checkpoints=("a.pt", "b.pt"), temperature=3.0, alpha=0.7, method="dkd"),
    )


def test_it_round_trips_through_json() -> None:
    cfg = _distill_config()
    assert TrainConfig.from_dict(json.loads(json.dumps(cfg.to_dict()))) == cfg


def test_it_round_trips_a_config_without_distillation() -> None:
    cfg = TrainConfig()
    restored = TrainConfig.from_dict(cfg.to_dict())
    assert restored == cfg
    assert not restored.is_distillation


def test_it_writes_tuples_as_lists() -> None:
    assert _distill_config().to_dict()["distill"]["teacher_checkpoints"] == ["a.pt", "b.pt"]


def test_it_names_every_bad_field() -> None:
    cfg = TrainConfig(
        epochs=0,
        lr=-1.0,
        sam_rho=-0.1,
        model="vgg",
        data=DataConfig(val_fraction=0.9),
        distill=DistillConfig(teacher_checkpoints=(), alpha=1.5),
    )
    errors = cfg.errors()
    expected = {"epochs", "lr", "sam_rho", "model", "data.val_fraction", "distill.teacher_checkpoints", "distill.alpha"}
    assert expected <= set(errors)
    assert errors["epochs"] == "must be in [1, 1000], got 0"
    assert "unknown model 'vgg'" in errors["model"]


def test_it_raises_with_the_errors_dict() -> None:
    with pytest.raises(ConfigError) as info:
        TrainConfig.from_dict({**TrainConfig().to_dict(), "batch_size": 0})
    assert info.value.errors == {"batch_size": "must be in [2, 4096], got 0"}


def test_it_requires_a_width_only_for_any_width_students() -> None:
    assert "width_mult" in TrainConfig(model="mini_resemotenet").errors()
    assert "width_mult" in TrainConfig(model="mini_resemotenet_a", width_mult=0.5).errors()
    assert TrainConfig(model="mini_resemotenet", width_mult=0.5).errors() == {}


def test_it_rejects_decoupled_kd_on_mixed_images() -> None:
    dkd = DistillConfig(soft_targets="t.npz", method="dkd")
    mixed = TrainConfig(distill=dkd, augment=AugmentConfig(cutmix_alpha=1.0))
    assert "turn mixup and CutMix off" in mixed.errors()["distill.method"]
    assert TrainConfig(distill=dkd, augment=AugmentConfig(cutmix_alpha=1.0, mix_prob=0)).errors() == {}
    kd = DistillConfig(soft_targets="t.npz")
    assert TrainConfig(distill=kd, augment=AugmentConfig(mixup_alpha=0.2)).errors() == {}


def test_it_rejects_unknown_keys() -> None:
    with pytest.raises(ConfigError) as info:
        TrainConfig.from_dict({"model": "resemotenet", "learning_rate": 0.1})
    assert info.value.errors == {"learning_rate": "unknown setting for TrainConfig"}


def test_it_rejects_unknown_nested_keys() -> None:
    with pytest.raises(ConfigError) as info:
        TrainConfig.from_dict({"distill": {"teacher_checkpoints": ["t.pt"], "temp": 2}})
    assert info.value.errors == {"temp": "unknown setting for DistillConfig"}


def test_it_reports_a_wrongly_typed_value_as_a_config_error() -> None:
    with pytest.raises(ConfigError):
        TrainConfig.from_dict({"epochs": "ten"})


def test_it_reports_a_section_that_is_not_an_object_as_a_config_error() -> None:
    with pytest.raises(ConfigError):
        TrainConfig.from_dict({"data": "fer2013.csv"})


@pytest.mark.parametrize(
    ("name", "value"),
    [("batch_size", 1), ("seed", 2**70), ("seed", -1), ("time_budget_s", float("inf")), ("time_budget_s", 1e9)],
)
def test_it_refuses_settings_that_would_fail_the_run_later(name: str, value: float) -> None:
    """A batch of one breaks training BatchNorm; torch refuses seeds past 64 bits; 1e308 minutes is infinity."""
    assert name in TrainConfig(**{name: value}).errors()


def test_it_accepts_the_bounds() -> None:
    assert TrainConfig(batch_size=2, seed=2**32 - 1, time_budget_s=7 * 24 * 3600).errors() == {}
