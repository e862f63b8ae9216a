"""``evaluate``: a checkpoint's metrics on one split of a dataset, deterministic and printed as JSON."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import torch

from kdcore.checkpoint import load_checkpoint
from kdcore.cli._common import CliError, Console, device_from
from kdcore.config import DEVICES
from kdcore.data import SPLIT_NAMES, FaceArrays, read_faces, validation_split
from kdcore.evaluate import evaluate


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``evaluate``."""
    parser = subparsers.add_parser("evaluate", help="accuracy, F1 and confusion of a checkpoint on one split")
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--data", required=True, help="dataset: FER2013 .csv, emotion folders or RAF-DB")
    parser.add_argument("--split", choices=SPLIT_NAMES, default="test")
    parser.add_argument("--tta-flip", action="store_true", help="average the logits of each face and its mirror")
    parser.add_argument("--device", choices=DEVICES, default="auto")
    parser.add_argument("--batch-size", type=int, default=512)
    parser.set_defaults(handler=run)


def split_faces(path: str, split: str, data_cfg: dict[str, Any]) -> FaceArrays:
    """One split, chosen as training chose it: a dataset without val gets the run's seeded validation split."""
    arrays = read_faces(path, image_size=data_cfg.get("image_size", 48))
    if len(arrays.split("val")) == 0:
        arrays = validation_split(arrays, fraction=data_cfg.get("val_fraction", 0.1), seed=data_cfg.get("val_seed", 0))
    faces = arrays.split(split)
    if len(faces) == 0:
        raise CliError(f"{path} has no {split} images (splits: {arrays.split_counts()})")
    return faces


def run(args: argparse.Namespace, console: Console) -> int:
    """Evaluate and write one JSON object with the metrics."""
    if args.batch_size < 1:
        raise CliError(f"--batch-size must be ≥ 1, got {args.batch_size}")
    device = device_from(args.device)
    model, config, meta = load_checkpoint(args.checkpoint, device=device)
    faces = split_faces(args.data, args.split, config.get("data", {}))
    if tuple(meta.get("class_names", faces.class_names)) != tuple(faces.class_names):
        raise CliError(f"checkpoint classes {meta['class_names']} differ from the dataset's {list(faces.class_names)}")
    images = torch.from_numpy(faces.images).to(device)
    labels = torch.from_numpy(faces.labels).to(device)
    result = evaluate(
        model,
        images,
        labels,
        num_classes=len(faces.class_names),
        batch_size=args.batch_size,
        bf16=config.get("bf16", True),
        tta_flip=args.tta_flip,
    )
    header = {"checkpoint": str(args.checkpoint), "data": str(args.data), "split": args.split}
    console.json({**header, "tta_flip": args.tta_flip, "model": config.get("model"), **result.to_dict()})
    return 0
