"""cpu_threads: torch and OpenCV thread counts change only inside an analysis."""

from __future__ import annotations

import cv2
import pytest
import torch

from kdcore.video._threads import cpu_threads


def test_it_sets_and_restores_both_thread_pools() -> None:
    torch_before, cv2_before = torch.get_num_threads(), cv2.getNumThreads()
    with cpu_threads(1):
        assert (torch.get_num_threads(), cv2.getNumThreads()) == (1, 1)
    assert (torch.get_num_threads(), cv2.getNumThreads()) == (torch_before, cv2_before)


def test_it_restores_them_after_an_error() -> None:
    before = torch.get_num_threads()
    with pytest.raises(RuntimeError), cpu_threads(1):
        raise RuntimeError("analysis failed")
    assert torch.get_num_threads() == before


def test_it_leaves_them_alone_for_zero() -> None:
    before = (torch.get_num_threads(), cv2.getNumThreads())
    with cpu_threads(0):
        assert (torch.get_num_threads(), cv2.getNumThreads()) == before
