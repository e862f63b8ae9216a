"""Disk usage and removal of stored files: what every app needs to say how much its objects take, and to free it;
and `DeletePlan`, the one shape of "what deleting this would do" that every delete confirmation shows.

Generic on purpose: runs, datasets and recordings all keep files under MEDIA_ROOT and report their size on their pages.
"""

import shutil
from dataclasses import dataclass, field
from pathlib import Path


def tree_size(path: Path) -> int:
    """Bytes taken by every file under `path` (0 when it does not exist)."""
    if path.is_file():
        return path.stat().st_size
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file()) if path.is_dir() else 0


def tree_delete(path: Path) -> None:
    """Remove a file or a folder and everything under it; missing is fine."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=False)
    else:
        path.unlink(missing_ok=True)


def file_size(path: Path) -> int | None:
    """Bytes of one file, None when it is not there."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class DeletePlan:
    """What deleting something would do: `blockers` say why it cannot go now (empty: it can), `effects` what goes
    with it, in words, and `frees_bytes` about how much disk it gives back."""

    blockers: list[str] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)
    frees_bytes: int = 0

    @property
    def allowed(self) -> bool:
        """Nothing stops it."""
        return not self.blockers
