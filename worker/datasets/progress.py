"""`ImportProgress`: how an import reports, through the service (DB row + live event), about once a second."""

import time
from collections.abc import Callable

from webapp.datasets import services
from worker.lifecycle import Throttle

Echo = Callable[[float, str], None]

# Where each step of an import starts and ends on the 0-1 bar: reading is most of the work.
READING = (0.0, 0.7)
STORING = (0.7, 0.9)


class ImportProgress:
    """Throttled progress of one import; `echo` also receives every update (the import command prints them)."""

    def __init__(
        self,
        import_id: int,
        *,
        every_seconds: float = 1.0,
        echo: Echo | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.import_id, self.echo = import_id, echo
        self.throttle = Throttle(every_seconds, clock=clock)

    def step(self, fraction: float, message: str) -> None:
        """Record a new step at once, whatever the throttle says."""
        self._send(fraction, message)

    def reading(self, done: int, total: int) -> None:
        """Called by kdcore's reader as `progress(done, total)` (members or bytes: only the ratio counts)."""
        self._maybe(_within(READING, done, total), f"Reading the upload ({_percent(done, total)})")

    def storing(self, done: int, total: int) -> None:
        """Called while new face files are written."""
        self._maybe(_within(STORING, done, total), f"Storing new faces ({done:,} of {total:,})")

    def _maybe(self, fraction: float, message: str) -> None:
        if self.throttle.due():
            self._send(fraction, message)

    def _send(self, fraction: float, message: str) -> None:
        self.throttle.restart()
        services.dataset_import_progress(import_id=self.import_id, progress=fraction, message=message)
        if self.echo is not None:
            self.echo(fraction, message)


def _within(span: tuple[float, float], done: int, total: int) -> float:
    start, end = span
    return start + (end - start) * (min(done / total, 1.0) if total else 0.0)


def _percent(done: int, total: int) -> str:
    return f"{100 * done / total:.0f}%" if total else "…"
