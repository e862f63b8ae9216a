"""``train`` and ``distill``: a TrainConfig from ``--config run.json`` and flags, then ``fit`` with JSON progress."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kdcore.cli._common import CliError, Console, device_from
from kdcore.config import ANY_WIDTH_MODEL, DEVICES, KD_METHODS, MODEL_NAMES, TrainConfig
from kdcore.train import Callback, ProgressEvent, TrainState, fit

# argparse destination → path in TrainConfig.to_dict(); a flag that is given overrides the config file.
_OVERRIDES: dict[str, tuple[str, ...]] = {
    "data": ("data", "path"),
    "model": ("model",),
    "width_mult": ("width_mult",),
    "epochs": ("epochs",),
    "batch_size": ("batch_size",),
    "lr": ("lr",),
    "seed": ("seed",),
    "device": ("device",),
    "teachers": ("distill", "teacher_checkpoints"),
    "temperature": ("distill", "temperature"),
    "alpha": ("distill", "alpha"),
    "method": ("distill", "method"),
}


class JsonLinesCallback(Callback):
    """Writes every validated epoch as one JSON line (``asdict(ProgressEvent)`` plus ``"event": "epoch"``)."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def on_epoch_end(self, state: TrainState, event: ProgressEvent) -> None:
        """Called when an epoch is finished and validated."""
        self.console.json({"event": "epoch", **asdict(event)})


def add_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``train`` (no teacher) and ``distill`` (one or more ``--teacher`` checkpoints)."""
    train = subparsers.add_parser("train", help="train a model from labels alone")
    _add_common(train)
    train.set_defaults(handler=run_train)
    distill = subparsers.add_parser("distill", help="train a student from frozen teacher checkpoints")
    _add_common(distill)
    distill.add_argument("--teacher", dest="teachers", action="append", help="teacher checkpoint (repeatable)")
    distill.add_argument("--temperature", type=float, help="softmax temperature T")
    distill.add_argument("--alpha", type=float, help="weight of the distillation term; 1 − α goes to CE")
    distill.add_argument("--method", choices=KD_METHODS, help="kd (Hinton) or dkd (decoupled KD)")
    distill.set_defaults(handler=run_distill)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="run.json holding a TrainConfig.to_dict(); flags override it")
    parser.add_argument("--data", help="dataset: FER2013 .csv, emotion folders or RAF-DB (directory or archive)")
    parser.add_argument("--model", choices=MODEL_NAMES)
    parser.add_argument("--width-mult", type=float, help=f"channel fraction, only for --model {ANY_WIDTH_MODEL}")
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--lr", type=float)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--device", choices=DEVICES)
    parser.add_argument("--out", type=Path, required=True, help="directory for last.pt (resume) and best.pt")
    parser.add_argument("--resume", action="store_true", help="continue from OUT/last.pt when it exists")


def read_config_file(path: Path | None) -> dict[str, Any]:
    """The JSON object in ``path``, or the defaults of ``TrainConfig`` when no file is given."""
    if path is None:
        return TrainConfig().to_dict()
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise CliError(f"cannot read config {path}: {error}") from None
    if not isinstance(data, dict):
        raise CliError(f"config {path} must hold a JSON object, got {type(data).__name__}")
    return data


def build_config(args: argparse.Namespace, *, distill: bool) -> TrainConfig:
    """Config file (or defaults), then every given flag on top; validated, errors name the fields."""
    data = read_config_file(args.config)
    if distill and not data.get("distill"):
        data["distill"] = {}
    if not distill and data.get("distill"):
        raise CliError("the config has a distill section; run `python -m kdcore distill` for distillation")
    for dest, keys in _OVERRIDES.items():
        value = getattr(args, dest, None)
        if value is not None:
            _set_nested(data, keys, value)
    return TrainConfig.from_dict(data)


def _set_nested(data: dict[str, Any], keys: tuple[str, ...], value: Any) -> None:
    for key in keys[:-1]:
        if not isinstance(data.get(key), dict):
            data[key] = {}
        data = data[key]
    data[keys[-1]] = value


def _run(args: argparse.Namespace, console: Console, *, distill: bool) -> int:
    cfg = build_config(args, distill=distill)
    device = device_from(cfg.device)
    result = fit(cfg, device=device, callbacks=[JsonLinesCallback(console)], out_dir=args.out, resume=args.resume)
    summary = {"event": "summary", "checkpoint": str(args.out / "best.pt"), "fingerprint": result.fingerprint}
    console.json({**summary, **result.metrics()})
    return 0


def run_train(args: argparse.Namespace, console: Console) -> int:
    """Train from labels alone."""
    return _run(args, console, distill=False)


def run_distill(args: argparse.Namespace, console: Console) -> int:
    """Distil from the teachers named in the config or by ``--teacher``."""
    return _run(args, console, distill=True)
