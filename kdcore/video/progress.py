"""Progress reports about once a second, timed by an injectable clock so tests never depend on machine speed."""

from __future__ import annotations

from collections.abc import Callable

from kdcore.video.results import AnalysisProgress

Clock = Callable[[], float]
ProgressCallback = Callable[[AnalysisProgress], None]
REPORT_EVERY_S = 1.0


class ProgressMeter:
    """Calls ``callback`` with an ``AnalysisProgress`` when at least ``every_s`` of ``clock`` time has passed."""

    def __init__(
        self, callback: ProgressCallback | None, *, total: int, clock: Clock, every_s: float = REPORT_EVERY_S
    ) -> None:
        self.callback = callback
        self.total = total
        self.clock = clock
        self.every_s = every_s
        self.started = clock()
        self._last = self.started
        self._reported: tuple[int, int] | None = None

    def elapsed(self) -> float:
        """Clock seconds since the meter started."""
        return self.clock() - self.started

    def update(self, done: int) -> None:
        """Report ``done`` frames if a report is due."""
        if self.callback is not None and self.clock() - self._last >= self.every_s:
            self.report(done)

    def report(self, done: int, *, final: bool = False) -> None:
        """Report now; ``final`` fixes the total to what was done (and is skipped if that was just reported)."""
        now = self.clock()
        self._last = now
        total = done if final else max(self.total, done)
        if self.callback is None or (final and self._reported == (done, total)):
            return
        self._reported = (done, total)
        elapsed = now - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else None
        self.callback(AnalysisProgress(done, total, elapsed, rate, eta))
