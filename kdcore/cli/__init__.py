"""The ``python -m kdcore`` command line: one module per subcommand, each registering its own parser.

Subcommands never print: they write through a ``Console`` that ``kdcore/__main__.py`` binds to stdout and stderr,
so tests can run them in-process and read what they wrote.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from kdcore.cli import analyze, benchmark, evaluate, export, models, train
from kdcore.cli._common import CliError, Console

__all__ = ["CliError", "Console", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="python -m kdcore", description="ResEmoteNet distillation toolkit")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    train.add_parsers(subparsers)
    evaluate.add_parser(subparsers)
    benchmark.add_parser(subparsers)
    export.add_parser(subparsers)
    models.add_parser(subparsers)
    analyze.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None, console: Console) -> int:
    """Parse ``argv`` and run the chosen subcommand; returns the exit status."""
    args = build_parser().parse_args(argv)
    return int(args.handler(args, console))
