"""From the job form's few fields to a validated `kdcore.config.TrainConfig`, and kdcore's errors back to fields.

kdcore decides what a valid run is (`TrainConfig.from_dict`); this module only names the choices a person
makes, fills in the rest, and maps `ConfigError.errors` keys such as "distill.alpha" onto form fields, so the
web form, the API and the CLI refuse exactly the same configs.
"""

import re
from typing import Any

from django.core.exceptions import ValidationError

from kdcore.config import ANY_WIDTH_MODEL, MODEL_LABELS, ConfigError, DistillConfig, TrainConfig

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
_CONFIG, _DISTILL = TrainConfig(), DistillConfig()
# The form's and the API's defaults are kdcore's own, so the three front doors (form, API, CLI) never drift apart.
DEFAULTS: dict[str, Any] = {
    "model": _CONFIG.model, "width_mult": _CONFIG.width_mult, "temperature": _DISTILL.temperature,
    "alpha": _DISTILL.alpha, "epochs": _CONFIG.epochs, "batch_size": _CONFIG.batch_size, "lr": _CONFIG.lr,
    "seed": _CONFIG.seed, "device": _CONFIG.device, "input_size": _CONFIG.input_size, "time_limit_min": None,
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

# kdcore's settings as the form names them, so a refusal reads as a sentence about the field a person filled in.
_FIELD_NAMES = {
    "distill.temperature": "Temperature T",
    "distill.alpha": "α",
    "model": "Model",
    "width_mult": "Width",
    "epochs": "Epochs",
    "batch_size": "Batch size",
    "lr": "Learning rate",
    "seed": "Seed",
    "device": "Device",
    "input_size": "Input size",
}
# Messages whose kdcore wording speaks of settings the form does not show (seconds, model names).
_PLAIN_MESSAGES = {
    "width_mult": "Width must be more than 0 and at most 1 (the fraction of the teacher's channels it keeps).",
    "time_budget_s": "The time limit must be between 0 and 10,080 minutes (a week): leave it empty for no limit.",
}
# "must be in [1, 1000], got 0": kdcore's interval notation, with the value it was given when it says so.
_RANGE = re.compile(r"^must be in ([\[(])([^,]+), ([^\])]+)([\])])(?:, got (\S+))?$")
_BOUNDS = {
    ("[", "]"): "between {low} and {high}",
    ("(", "]"): "more than {low} and at most {high}",
    ("[", ")"): "at least {low} and less than {high}",
    ("(", ")"): "more than {low} and less than {high}",
}

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


def _number(text: str) -> str:
    """A number as people write it: "1000" → "1,000", "-1.0" → "-1", "0.5" → "0.5"; anything else as it came."""
    try:
        value = float(text)
    except ValueError:
        return text
    return f"{int(value):,}" if value.is_integer() else f"{value:,.6g}"


def plain_message(key: str, message: str) -> str:
    """kdcore's message about setting `key` in plain words, named as on the form.

    "must be in [1, 1000], got 0" about "epochs" reads "Epochs must be between 1 and 1,000; you entered 0.";
    a message this cannot word better comes back as kdcore wrote it.
    """
    if key in _PLAIN_MESSAGES:
        return _PLAIN_MESSAGES[key]
    name = _FIELD_NAMES.get(key)
    match = _RANGE.match(message)
    if name is None:
        return message
    if match is None:
        return f"{name} {message}." if message.startswith("must ") else message
    opening, low, high, closing, got = match.groups()
    bounds = _BOUNDS[(opening, closing)].format(low=_number(low), high=_number(high))
    return f"{name} must be {bounds}" + (f"; you entered {_number(got)}." if got else ".")


def config_errors(error: ConfigError) -> ValidationError:
    """kdcore's field → message map as a Django ValidationError keyed by form field, in plain words."""
    by_field: dict[str, list[str]] = {}
    for key, message in error.errors.items():
        field = _ERROR_FIELDS.get(key, NON_FIELD)
        text = plain_message(key, message) if field != NON_FIELD else f"{key}: {message}"
        by_field.setdefault(field, []).append(text)
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
