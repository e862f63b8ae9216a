"""What every subcommand shares: the output channel, the CLI's error type and small argument parsers."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

from kdcore.runtime import resolve_device

Write = Callable[[str], None]


class CliError(ValueError):
    """Bad command-line input; ``python -m kdcore`` shows the message as JSON and exits with status 2."""


@dataclass(frozen=True)
class Console:
    """Where subcommands write: ``out`` takes results (stdout), ``err`` takes progress notes (stderr).

    Only ``kdcore/__main__.py`` binds these to ``print``; tests bind them to lists.
    """

    out: Write
    err: Write

    def json(self, payload: dict[str, Any]) -> None:
        """One JSON object per line, so output can be piped into ``jq`` or read line by line."""
        self.out(json.dumps(payload, default=str))


def int_list(text: str) -> tuple[int, ...]:
    """``"1,256,1024"`` → ``(1, 256, 1024)``; an argparse ``type``, so a bad value is a usage error (status 2)."""
    try:
        values = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        values = ()
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected comma-separated positive integers such as 1,256,1024, got {text!r}")
    return values


def device_from(name: str) -> torch.device:
    """``auto``, ``cpu`` or ``cuda`` → a device; asking for CUDA on a machine without it is a ``CliError``."""
    try:
        return resolve_device(name)
    except RuntimeError as error:
        raise CliError(str(error)) from None
