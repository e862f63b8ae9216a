"""``python -m kdcore {train,distill,evaluate,benchmark,export,models,analyze}``: the one place kdcore prints.

Results go to stdout (JSON lines; ``benchmark`` also prints a markdown table), progress notes to stderr. Bad
input (a config error, a missing file, an unreadable dataset) prints ``{"error": ...}`` to stderr and exits 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from kdcore.cli import Console, main
from kdcore.config import ConfigError


def _stdout(line: str) -> None:
    print(line, flush=True)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; user errors become one JSON line on stderr and exit status 2."""
    try:
        return main(argv, Console(out=_stdout, err=_stderr))
    except (ValueError, OSError) as error:  # ConfigError, DatasetError and CliError are ValueErrors
        payload: dict[str, Any] = {"error": str(error), "type": type(error).__name__}
        if isinstance(error, ConfigError):
            payload["errors"] = error.errors
        _stderr(json.dumps(payload))
        return 2


if __name__ == "__main__":
    raise SystemExit(run())
