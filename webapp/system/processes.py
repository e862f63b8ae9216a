"""What `./studio up`'s supervisor tells the Status page: its processes, and how often each was restarted.

The supervisor and the web server are separate processes on one machine, so the supervisor writes a small JSON file
under VAR_DIR on every start, exit and restart, and the health selector reads it. Without `./studio up` (a worker
on another host, uvicorn run by hand) there is no file and the Status page shows no processes.
"""

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

FILE_NAME = "processes.json"


@dataclass(frozen=True)
class ProcessState:
    """One supervised process as people see it."""

    name: str
    pid: int
    state: str  # "running", or "restarting" while it waits out its back-off
    restarts: int
    last_exit_code: int | None
    last_exit_at: float | None  # Unix time


def processes_path() -> Path:
    return Path(settings.VAR_DIR) / FILE_NAME


def processes_write(states: list[ProcessState], *, path: Path | None = None) -> None:
    """Replace the file in one rename, so a reader never sees half of it."""
    path = path or processes_path()
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps({"written_at": time.time(), "processes": [asdict(state) for state in states]}))
    os.replace(partial, path)


def processes_read(*, path: Path | None = None) -> list[ProcessState]:
    """The supervised processes, or [] when no supervisor wrote the file (or it cannot be read)."""
    try:
        raw: dict[str, Any] = json.loads((path or processes_path()).read_text())
        return [ProcessState(**item) for item in raw["processes"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []
