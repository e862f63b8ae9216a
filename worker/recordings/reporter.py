"""`AnalysisReporter`: kdcore.video's callbacks → stored rows, the live feed, progress, and the cancel switch.

Rows go to disk as they come; the live rows of the last quarter second are published together (a few messages a
second, whatever the frame rate), progress about once a second, and the cancel flag is read about once a second.
Publishing is best effort: the files are the record, and a page catches up from them.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from webapp import events
from webapp.recordings import services
from worker.lifecycle import Throttle
from worker.recordings.results import ResultWriter

logger = logging.getLogger(__name__)


class AnalysisReporter:
    """Reports one analysis to the Studio and tells kdcore when to stop."""

    def __init__(
        self,
        analysis_id: int,
        writer: ResultWriter,
        *,
        frames_every: float = 0.25,
        progress_every: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.analysis_id, self.writer = analysis_id, writer
        self.frames = Throttle(frames_every, clock=clock)
        self.progress, self.polls = Throttle(progress_every, clock=clock), Throttle(progress_every, clock=clock)
        self.pending: list[list[Any]] = []
        self.stop_reason = ""

    def on_chunk(self, chunk: Any) -> None:
        """Called with each chunk of rows, in frame order."""
        self.pending += self.writer.append(chunk)
        if self.frames.due():
            self.flush()

    def flush(self) -> None:
        """Publish the live rows not sent yet."""
        if not self.pending:
            return
        rows, self.pending = self.pending, []
        try:
            events.publish_analysis_frames(analysis_id=self.analysis_id, data={"rows": rows})
        except Exception as error:  # best effort: the page catches up from live.jsonl
            logger.warning("live rows of analysis #%s not published: %s", self.analysis_id, error)

    def on_progress(self, progress: Any) -> None:
        """Called about once a second with kdcore's `AnalysisProgress`."""
        if self.progress.due():
            services.analysis_progress(analysis_id=self.analysis_id, progress=asdict(progress))

    def should_stop(self) -> bool:
        """Polled by kdcore between batches: stop when cancelled, deleted or reaped."""
        if not self.stop_reason and self.polls.due():
            self.stop_reason = services.analysis_stop_reason(analysis_id=self.analysis_id)
        return bool(self.stop_reason)
