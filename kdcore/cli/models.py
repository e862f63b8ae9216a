"""``models``: every registered model with its width and parameter count."""

from __future__ import annotations

import argparse

import torch

from kdcore.benchmark import count_parameters
from kdcore.cli._common import Console
from kdcore.config import ANY_WIDTH_MODEL
from kdcore.models import create_model, list_models


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``models``."""
    parser = subparsers.add_parser("models", help="list registered models and their parameter counts")
    parser.set_defaults(handler=run)


def describe(name: str) -> dict[str, object]:
    """Name, width and parameters; built on the meta device, so even the teacher costs no memory or time."""
    if name == ANY_WIDTH_MODEL:
        return {"name": name, "width_mult": "any in (0, 1]", "parameters": None}
    with torch.device("meta"):
        model = create_model(name)
    return {"name": name, "width_mult": getattr(model, "width_mult", None), "parameters": count_parameters(model)}


def run(args: argparse.Namespace, console: Console) -> int:
    """One JSON line per registered model."""
    for name in list_models():
        console.json(describe(name))
    return 0
