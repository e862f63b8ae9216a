"""From the job form's few fields to a validated `kdcore.config.TrainConfig`, and kdcore's errors back to fields.

kdcore decides what a valid run is (`TrainConfig.from_dict`); this module only names the choices a person
makes, fills in the rest, and maps `ConfigError.errors` keys such as "distill.alpha" onto form fields, so the
web form, the API and the CLI refuse exactly the same configs.
"""

from typing import Any

from django.core.exceptions import ValidationError

from kdcore.config import ANY_WIDTH_MODEL, DEFAULT_INPUT_SIZE, MODEL_LABELS, ConfigError, TrainConfig

MODEL_CHOICES = tuple(MODEL_LABELS.items())  # kdcore.config names every model, with its label
DEVICE_CHOICES = (
    ("auto", "Auto: the worker's GPU, else its CPU"),
    ("cuda", "GPU only"),
    ("cpu", "CPU"),
)
# Faces are resized to this side before the network: 64 is the paper's; 128 scored 2.1 points more on PublicTest in
# a 40-epoch pilot with Student A (docs/results.md), and makes CPU inference about 4× slower at batch 256. 160 is the
# built-in model's size (R8): up to 0.4 more on PublicTest, 1.35× the CPU time per face of 128.
INPUT_SIZE_CHOICES = (
    (64, "64 px (the paper's)"),
    (96, "96 px"),
    (128, "128 px"),
    (160, "160 px (built-in model)"),
)
DEFAULTS: dict[str, Any] = {
    "model": TrainConfig.model, "width_mult": None, "temperature": 2.0, "alpha": 0.5, "epochs": 30,
    "batch_size": 128, "lr": 0.1, "seed": 0, "device": "auto", "input_size": DEFAULT_INPUT_SIZE,
    "time_limit_min": None,
}  # fmt: skip
# The fields a person sets; everything else keeps kdcore's defaults, except `RECIPE`.
SETTING_NAMES = tuple(DEFAULTS)
# Every job trains with the recipe behind docs/results.md (R4–R6): label smoothing 0.1 (+0.44 points on PrivateTest for
# Student A, side by side in R4) and an exponential moving average of the weights (decay 0.999, ramped up over the
# first steps), whose weights are the ones validated and saved.
RECIPE: dict[str, Any] = {"label_smoothing": 0.1, "ema_decay": 0.999}

# kdcore's error keys → the field that shows the message; anything unmapped is a form-wide error.
_ERROR_FIELDS = {
    "distill.temperature": "temperature",
    "distill.alpha": "alpha",
    "distill.teacher_checkpoints": "teacher",
    "model": "model",
    "width_mult": "width_mult",
    "epochs": "epochs",
    "batch_size": "batch_size",
    "lr": "lr",
    "seed": "seed",
    "device": "device",
    "warmup_epochs": "epochs",
    "input_size": "input_size",
    "time_budget_s": "time_limit_min",
}
NON_FIELD = "__all__"

# Batch events (each a GPU sync) every this many steps: every step on a CPU, where steps are slow and a
# cancel must land within seconds; every 10 on a GPU, where 10 steps take milliseconds.
LOG_EVERY_CPU, LOG_EVERY_GPU = 1, 10


def log_every_for(*, on_cpu: bool) -> int:
    """Steps between batch events for a job headed to a CPU or a GPU."""
    return LOG_EVERY_CPU if on_cpu else LOG_EVERY_GPU


def model_label(model: str, width_mult: float | None = None) -> str:
    """A model in words: "Student B (¼ width)", or "Student ×0.0625" for any width."""
    if model == ANY_WIDTH_MODEL:
        return f"Student ×{width_mult:g}" if width_mult is not None else "Student (any width)"
    return MODEL_LABELS.get(model, model)


def config_errors(error: ConfigError) -> ValidationError:
    """kdcore's field → message map as a Django ValidationError keyed by form field."""
    by_field: dict[str, list[str]] = {}
    for key, message in error.errors.items():
        field = _ERROR_FIELDS.get(key, NON_FIELD)
        by_field.setdefault(field, []).append(message if field != NON_FIELD else f"{key}: {message}")
    return ValidationError(by_field)


def train_config_build(*, settings: dict[str, Any], teacher_checkpoint: str | None, on_cpu: bool) -> TrainConfig:
    """Validate the form's settings through kdcore; raises ValidationError with messages by field.

    Args:
        settings: values for `SETTING_NAMES` (missing ones take `DEFAULTS`).
        teacher_checkpoint: the teacher's checkpoint relative to MEDIA_ROOT; None trains without distillation.
        on_cpu: whether the job is headed for a CPU, which reports (and can be cancelled) after every step.
    """
    values = {**DEFAULTS, **{k: v for k, v in settings.items() if v is not None}}
    names = ("model", "epochs", "batch_size", "lr", "seed", "device", "input_size")
    data: dict[str, Any] = {**RECIPE, **{name: values[name] for name in names}}
    # A time limit keeps the run's shape: from the second epoch the loop plans as many epochs as fit (at most `epochs`).
    data["time_budget_s"] = 60.0 * values["time_limit_min"] if values["time_limit_min"] else 0.0
    # The width belongs to the any-width student only; a leftover value from the form is not an error.
    data["width_mult"] = values["width_mult"] if values["model"] == ANY_WIDTH_MODEL else None
    data["log_every"] = log_every_for(on_cpu=on_cpu)
    data["warmup_epochs"] = max(0.0, min(1.0, float(values["epochs"])))  # a one-epoch job warms up for its whole run
    if teacher_checkpoint is not None:
        data["distill"] = {
            "teacher_checkpoints": [teacher_checkpoint],
            "temperature": values["temperature"],
            "alpha": values["alpha"],
        }
    try:
        return TrainConfig.from_dict(data)
    except ConfigError as error:
        raise config_errors(error) from None


def settings_of(config: dict[str, Any]) -> dict[str, Any]:
    """The form's settings back out of a stored config, to prefill a form from an earlier run."""
    distill = config.get("distill") or {}
    settings = {name: distill.get(name, config.get(name, default)) for name, default in DEFAULTS.items()}
    budget = config.get("time_budget_s") or 0
    settings["time_limit_min"] = round(budget / 60, 2) if budget else None
    return settings
