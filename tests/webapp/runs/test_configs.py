"""The job form's settings become a kdcore TrainConfig, and kdcore's refusals land on the right form fields."""

import pytest
from django.core.exceptions import ValidationError

from kdcore.config import MODEL_NAMES, TrainConfig
from webapp.runs.configs import (
    DEFAULTS,
    LOG_EVERY_CPU,
    LOG_EVERY_GPU,
    MODEL_CHOICES,
    RECIPE,
    model_label,
    settings_of,
    train_config_build,
)


def _errors(**settings: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        train_config_build(settings=settings, teacher_checkpoint="runs/1/best.pt", on_cpu=False)
    return refused.value.message_dict


def test_it_builds_a_distillation_config_that_kdcore_accepts() -> None:
    settings = {"model": "mini_resemotenet_b", "temperature": 2.0, "alpha": 0.5, "epochs": 3, "device": "cpu"}
    config = train_config_build(settings=settings, teacher_checkpoint="runs/7/best.pt", on_cpu=True)
    assert config.distill is not None
    assert config.distill.teacher_checkpoints == ("runs/7/best.pt",)
    assert (config.distill.temperature, config.distill.alpha) == (2.0, 0.5)
    assert config.log_every == LOG_EVERY_CPU
    assert TrainConfig.from_dict(config.to_dict()) == config


def test_it_trains_without_distillation_when_no_teacher_is_named() -> None:
    config = train_config_build(settings={"model": "resemotenet"}, teacher_checkpoint=None, on_cpu=False)
    assert config.distill is None
    assert config.log_every == LOG_EVERY_GPU
    assert config.epochs == DEFAULTS["epochs"]


def test_every_job_trains_with_the_measured_recipe() -> None:
    config = train_config_build(settings={"model": "mini_resemotenet_b"}, teacher_checkpoint=None, on_cpu=False)
    assert RECIPE == {"label_smoothing": 0.1, "ema_decay": 0.999}
    assert (config.label_smoothing, config.ema_decay) == (0.1, 0.999)


def test_it_puts_kdcores_messages_next_to_the_form_fields() -> None:
    errors = _errors(alpha=1.5, temperature=50.0, epochs=0, batch_size=0, lr=-1.0)
    assert errors["alpha"] == ["α must be between 0 and 1; you entered 1.5."]
    assert errors["temperature"] == ["Temperature T must be between 0.5 and 20; you entered 50."]
    assert errors["epochs"] == ["Epochs must be between 1 and 1,000; you entered 0."]
    assert errors["batch_size"] == ["Batch size must be between 2 and 4,096; you entered 0."]
    assert errors["lr"] == ["Learning rate must be more than 0 and at most 10; you entered -1."]


def test_it_needs_a_width_for_the_any_width_student() -> None:
    assert "width_mult" in _errors(model="mini_resemotenet", width_mult=None)
    assert "width_mult" in _errors(model="mini_resemotenet", width_mult=1.5)


def test_it_ignores_a_leftover_width_for_a_named_model() -> None:
    config = train_config_build(
        settings={"model": "mini_resemotenet_c", "width_mult": 0.3}, teacher_checkpoint=None, on_cpu=False
    )
    assert config.width_mult is None


def test_it_names_models_in_words() -> None:
    assert model_label("mini_resemotenet_b") == "Student B (¼ width)"
    assert model_label("mini_resemotenet", 0.0625) == "Student ×0.0625"
    assert model_label("resemotenet").startswith("Teacher")


def test_it_offers_every_model_kdcore_names_and_no_other() -> None:
    assert [name for name, _ in MODEL_CHOICES] == list(MODEL_NAMES)
    assert DEFAULTS["model"] == TrainConfig().model


def test_it_reads_the_settings_back_out_of_a_config() -> None:
    settings = {"model": "mini_resemotenet", "width_mult": 0.5, "temperature": 3.0, "alpha": 0.7, "epochs": 2}
    config = train_config_build(settings=settings, teacher_checkpoint="runs/1/best.pt", on_cpu=False)
    assert settings_of(config.to_dict()) == {**DEFAULTS, **settings}


def test_it_passes_the_input_size_and_a_time_limit_to_kdcore() -> None:
    settings = {"model": "mini_resemotenet_b", "input_size": 128, "time_limit_min": 20.0, "epochs": 300}
    config = train_config_build(settings=settings, teacher_checkpoint=None, on_cpu=False)
    assert (config.input_size, config.time_budget_s, config.epochs) == (128, 1200.0, 300)
    assert settings_of(config.to_dict()) == {**DEFAULTS, **settings}


def test_no_time_limit_means_every_epoch_runs() -> None:
    config = train_config_build(settings={"time_limit_min": None}, teacher_checkpoint=None, on_cpu=False)
    assert config.time_budget_s == 0.0
    assert config.input_size == DEFAULTS["input_size"] == 64


def test_a_bad_input_size_or_time_limit_shows_on_its_field() -> None:
    errors = _errors(input_size=8, time_limit_min=-5.0)
    assert errors["input_size"] == ["Input size must be between 32 and 256; you entered 8."]
    week = "The time limit must be between 0 and 10,080 minutes (a week): leave it empty for no limit."
    assert errors["time_limit_min"] == [week]
