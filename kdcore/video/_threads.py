"""CPU thread counts for one analysis, set on entry and restored on exit.

torch and OpenCV each keep a process-wide thread pool. On a shared or busy CPU two OpenMP threads per forward pass
wait on each other whenever one is descheduled: on the 2-core machine under load, classifying 20 s of video took
3.0–4.9 s with one thread and 11.3–19.6 s with two (docs/results.md, "Recording analysis on the 2-core CPU"). The
count is a setting, applied only while the analysis runs, so nothing outside it changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import cv2
import torch


@contextmanager
def cpu_threads(count: int) -> Iterator[None]:
    """torch intra-op and OpenCV threads = ``count`` inside the block (0 leaves both as they are)."""
    if count <= 0:
        yield
        return
    torch_before, cv2_before = torch.get_num_threads(), cv2.getNumThreads()
    torch.set_num_threads(count)
    cv2.setNumThreads(count)
    try:
        yield
    finally:
        torch.set_num_threads(torch_before)
        cv2.setNumThreads(cv2_before)
