"""Run configuration as frozen dataclasses: one config for the CLI, the REST API and the web form.

Standard library only, so the web process can validate a job without importing torch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, ClassVar

TEACHER_MODEL = "resemotenet"
ANY_WIDTH_MODEL = "mini_resemotenet"  # the student whose width_mult a run sets; the others have fixed widths
# Every model a run may name, with its name in words: the one list of them. kdcore.models registers exactly these
# builders (a test checks), the CLI and the web form offer them, and the web form shows these labels.
MODEL_LABELS: Mapping[str, str] = MappingProxyType(
    {
        TEACHER_MODEL: "Teacher: ResEmoteNet (full width)",
        "mini_resemotenet_a": "Student A (½ width)",
        "mini_resemotenet_b": "Student B (¼ width)",
        "mini_resemotenet_c": "Student C (⅛ width)",
        ANY_WIDTH_MODEL: "Student at any width",
    }
)
MODEL_NAMES = tuple(MODEL_LABELS)
FIXED_WIDTH_MODELS = tuple(name for name in MODEL_NAMES if name != ANY_WIDTH_MODEL)
OPTIMIZERS = ("sgd", "adamw")
KD_METHODS = ("kd", "dkd")
DEVICES = ("auto", "cpu", "cuda")
DEFAULT_INPUT_SIZE = 64  # the paper's: 48×48 faces resized to 64×64
INPUT_SIZE_RANGE = (32, 256)
# Training BatchNorm needs two or more images per batch (one image leaves one value per channel after pooling).
BATCH_SIZE_RANGE = (2, 4096)
EPOCHS_RANGE = (1, 1000)
# Python, NumPy (which takes 32 bits) and torch (which takes 64, after kdcore scales it per epoch) all accept these.
SEED_RANGE = (0, 2**32 - 1)
TIME_BUDGET_MAX_S = 7 * 24 * 3600.0  # a week: longer is a typo (and 1e308 minutes is infinity)
# Closed ranges of the distillation's softmax temperature T and KD weight α; open below: the learning rate (0, LR_MAX]
# and any-width's width_mult (0, 1].
TEMPERATURE_RANGE = (0.5, 20.0)
ALPHA_RANGE = (0.0, 1.0)
LR_MAX = 10.0


class ConfigError(ValueError):
    """A config that cannot run; ``errors`` maps each field name to a message a user can act on."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))


def _check(errors: dict[str, str], name: str, ok: bool, message: str) -> None:
    if not ok and name not in errors:
        errors[name] = message


def _unknown_keys(cls: type, data: dict[str, Any]) -> None:
    names = {f.name for f in fields(cls)}
    extra = sorted(set(data) - names)
    if extra:
        raise ConfigError(dict.fromkeys(extra, f"unknown setting for {cls.__name__}"))


@dataclass(frozen=True)
class DataConfig:
    """Where the faces come from and how validation is chosen when the dataset has no val split."""

    path: str = ""
    image_size: int = 48
    val_fraction: float = 0.1
    val_seed: int = 0
    folds: int = 0  # > 0: split Training into this many stratified folds (kdcore.data.train_folds) ...
    fold: int = 0  # ... and train without this one, so the model can predict it out of fold

    def errors(self) -> dict[str, str]:
        """Field → message for every invalid value."""
        errors: dict[str, str] = {}
        _check(errors, "data.image_size", 16 <= self.image_size <= 256, f"must be in [16, 256], got {self.image_size}")
        _check(
            errors, "data.val_fraction", 0 < self.val_fraction < 0.5, f"must be in (0, 0.5), got {self.val_fraction}"
        )
        _check(errors, "data.folds", self.folds == 0 or 2 <= self.folds <= 20, f"must be 0 or 2–20, got {self.folds}")
        _check(errors, "data.fold", self.folds == 0 or 0 <= self.fold < self.folds, f"must be in [0, {self.folds - 1}]")
        return errors


@dataclass(frozen=True)
class AugmentConfig:
    """GPU augmentation of training batches; evaluation never augments."""

    flip: bool = True
    crop_scale: float = 0.8  # smallest side fraction kept by the random resized crop
    rotation_deg: float = 10.0
    translate: float = 0.1
    erasing: float = 0.25  # probability of one random-erasing box per image
    mixup_alpha: float = 0.0
    cutmix_alpha: float = 0.0
    mix_prob: float = 0.5

    @property
    def mixes(self) -> bool:
        """Whether some training batches are mixed (mixup or CutMix)."""
        return self.mix_prob > 0 and (self.mixup_alpha > 0 or self.cutmix_alpha > 0)

    def errors(self) -> dict[str, str]:
        """Field → message for every invalid value."""
        errors: dict[str, str] = {}
        _check(errors, "augment.crop_scale", 0.3 <= self.crop_scale <= 1, f"must be in [0.3, 1], got {self.crop_scale}")
        _check(errors, "augment.rotation_deg", 0 <= self.rotation_deg <= 45, "must be in [0, 45]")
        _check(errors, "augment.erasing", 0 <= self.erasing <= 1, f"must be in [0, 1], got {self.erasing}")
        _check(errors, "augment.mix_prob", 0 <= self.mix_prob <= 1, f"must be in [0, 1], got {self.mix_prob}")
        _check(errors, "augment.mixup_alpha", self.mixup_alpha >= 0, "must be ≥ 0")
        _check(errors, "augment.cutmix_alpha", self.cutmix_alpha >= 0, "must be ≥ 0")
        return errors


@dataclass(frozen=True)
class DistillConfig:
    """Knowledge distillation from one or more frozen teachers (logits averaged), or from stored soft targets.

    ``soft_targets`` names an ``.npz`` of a teacher's logits for every training image (``kdcore.soft_targets``):
    the student then learns from them without the teacher's weights or its forward pass.

    loss = α·T²·KL(softmax(t/T) ‖ softmax(s/T)) + (1−α)·CE(s, y); ``method="dkd"`` swaps the KL term for
    decoupled KD (Zhao et al., CVPR 2022) with weights ``dkd_alpha`` (target) and ``dkd_beta`` (non-target).
    """

    teacher_checkpoints: tuple[str, ...] = ()
    soft_targets: str = ""
    # T = 2, α = 0.5: the best pair of a T ∈ {2, 4, 8} × α ∈ {0.5, 0.7, 0.9} study on PublicTest, and at full length
    # it beat no distillation where T = 4, α = 0.9 did not (docs/results.md, R4 and R5).
    temperature: float = 2.0
    alpha: float = 0.5
    method: str = "kd"
    dkd_alpha: float = 1.0
    dkd_beta: float = 8.0

    def errors(self) -> dict[str, str]:
        """Field → message for every invalid value."""
        errors: dict[str, str] = {}
        _check(
            errors,
            "distill.teacher_checkpoints",
            bool(self.teacher_checkpoints) != bool(self.soft_targets),
            "name teachers or stored soft targets, not both" if self.soft_targets else "name at least one teacher",
        )
        _check(
            errors,
            "distill.temperature",
            TEMPERATURE_RANGE[0] <= self.temperature <= TEMPERATURE_RANGE[1],
            f"must be in [{TEMPERATURE_RANGE[0]:g}, {TEMPERATURE_RANGE[1]:g}], got {self.temperature}",
        )
        low, high = ALPHA_RANGE
        _check(errors, "distill.alpha", low <= self.alpha <= high, f"must be in [{low:g}, {high:g}], got {self.alpha}")
        _check(errors, "distill.method", self.method in KD_METHODS, f"must be one of {', '.join(KD_METHODS)}")
        return errors


@dataclass(frozen=True)
class TrainConfig:
    """One training or distillation run (``distill`` set ⇒ distillation)."""

    data: DataConfig = field(default_factory=DataConfig)
    model: str = "mini_resemotenet_a"
    width_mult: float | None = None  # only for ANY_WIDTH_MODEL
    scale_head: bool = True
    input_size: int = DEFAULT_INPUT_SIZE  # faces are resized to input_size × input_size before the network
    epochs: int = 30
    batch_size: int = 128
    lr: float = 0.1
    optimizer: str = "sgd"
    momentum: float = 0.9
    weight_decay: float = 5e-4
    sam_rho: float = 0.0  # > 0: sharpness-aware minimisation within this radius (two passes a step); 0 disables
    warmup_epochs: float = 1.0
    label_smoothing: float = 0.0
    ema_decay: float = 0.0  # 0 disables the exponential moving average of weights
    augment: AugmentConfig = field(default_factory=AugmentConfig)
    distill: DistillConfig | None = None
    seed: int = 0
    device: str = "auto"
    bf16: bool = True
    channels_last: bool = True
    eval_batch_size: int = 512
    evaluate_test: bool = True  # False for model-selection runs (pilots, studies): their test score stays unseen
    time_budget_s: float = 0.0  # > 0: plan the epochs (at most `epochs`) so the run ends within this many seconds
    log_every: int = 20  # batch events every N steps (each one syncs the GPU)
    checkpoint_every: int = 1  # epochs between resume checkpoints (out_dir/last.pt); 0 disables them

    _nested: ClassVar[dict[str, type]] = {"data": DataConfig, "augment": AugmentConfig, "distill": DistillConfig}

    @property
    def is_distillation(self) -> bool:
        """Whether a teacher guides this run."""
        return self.distill is not None

    def errors(self) -> dict[str, str]:
        """Field → message for every invalid value, nested configs included."""
        errors: dict[str, str] = {**self.data.errors(), **self.augment.errors()}
        if self.distill is not None:
            errors.update(self.distill.errors())
            _check(
                errors,
                "distill.method",
                not (self.distill.method == "dkd" and self.augment.mixes),
                "dkd splits each image's own class from the rest: turn mixup and CutMix off, or use kd",
            )
        _check(
            errors,
            "model",
            self.model in MODEL_NAMES,
            f"unknown model {self.model!r}; expected one of {', '.join(MODEL_NAMES)}",
        )
        needs_width = self.model == ANY_WIDTH_MODEL
        width_ok = (
            (self.width_mult is not None and 0 < self.width_mult <= 1) if needs_width else self.width_mult is None
        )
        _check(errors, "width_mult", width_ok, f"set width_mult in (0, 1] only for {ANY_WIDTH_MODEL} (any width)")
        low, high = INPUT_SIZE_RANGE
        _check(
            errors, "input_size", low <= self.input_size <= high, f"must be in [{low}, {high}], got {self.input_size}"
        )
        _check(
            errors,
            "time_budget_s",
            0 <= self.time_budget_s <= TIME_BUDGET_MAX_S,
            f"must be in [0, {TIME_BUDGET_MAX_S:g}] (0: no time budget), got {self.time_budget_s}",
        )
        low, high = EPOCHS_RANGE
        _check(errors, "epochs", low <= self.epochs <= high, f"must be in [{low}, {high}], got {self.epochs}")
        low, high = BATCH_SIZE_RANGE
        _check(
            errors, "batch_size", low <= self.batch_size <= high, f"must be in [{low}, {high}], got {self.batch_size}"
        )
        low, high = SEED_RANGE
        _check(errors, "seed", low <= self.seed <= high, f"must be in [{low}, {high}], got {self.seed}")
        _check(errors, "lr", 0 < self.lr <= LR_MAX, f"must be in (0, {LR_MAX:g}], got {self.lr}")
        _check(errors, "optimizer", self.optimizer in OPTIMIZERS, f"must be one of {', '.join(OPTIMIZERS)}")
        _check(errors, "weight_decay", 0 <= self.weight_decay < 1, "must be in [0, 1)")
        _check(errors, "sam_rho", 0 <= self.sam_rho <= 2, f"must be in [0, 2] (0: off), got {self.sam_rho}")
        _check(errors, "label_smoothing", 0 <= self.label_smoothing < 1, "must be in [0, 1)")
        _check(errors, "ema_decay", 0 <= self.ema_decay < 1, "must be in [0, 1)")
        _check(errors, "device", self.device in DEVICES, f"must be one of {', '.join(DEVICES)}")
        _check(errors, "log_every", self.log_every >= 1, "must be ≥ 1")
        _check(errors, "checkpoint_every", self.checkpoint_every >= 0, "must be ≥ 0 (0 disables resume checkpoints)")
        _check(errors, "warmup_epochs", 0 <= self.warmup_epochs <= self.epochs, "must be in [0, epochs]")
        return errors

    def validate(self) -> TrainConfig:
        """Return self, or raise ``ConfigError`` naming every bad field."""
        errors = self.errors()
        if errors:
            raise ConfigError(errors)
        return self

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (tuples become lists)."""
        ready: dict[str, Any] = json_ready(dataclasses.asdict(self))
        return ready

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        """Build and validate from a dict such as ``to_dict()`` made; unknown keys are errors."""
        _unknown_keys(cls, data)
        values = dict(data)
        for name, sub in cls._nested.items():
            if isinstance(values.get(name), dict):
                _unknown_keys(sub, values[name])
                values[name] = sub(**_tuples(values[name]))
        try:
            return cls(**values).validate()
        except (TypeError, AttributeError) as exc:  # a wrongly typed value or section (e.g. "data": "x.csv")
            raise ConfigError({"config": str(exc)}) from exc


def _tuples(values: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}


def json_ready(value: Any) -> Any:
    """Tuples → lists, recursively, so configs survive a JSON round trip unchanged."""
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return value
