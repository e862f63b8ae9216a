"""Fixtures for kdcore.video: a tiny stand-in classifier, and analyses of the real clips run once per session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch

from kdcore.models import create_model
from kdcore.video import AnalysisChunk, AnalysisResult, AnalysisSettings, analyze_video
from tests.kdcore.video.clips import sample

# Faces are big in the sample clips (about 200 px of 640), so detection at 160 px still finds every one of them
# and keeps these tests quick.
FAST = AnalysisSettings(analysis_width=160)


@dataclass(frozen=True)
class Analysed:
    """One analysis: the result and every streamed row, concatenated."""

    result: AnalysisResult
    chunks: list[AnalysisChunk]

    def column(self, name: str) -> np.ndarray:
        return np.concatenate([getattr(chunk, name) for chunk in self.chunks])


@pytest.fixture(scope="session")
def tiny_model() -> torch.nn.Module:
    """A seeded, untrained 1/16-width student at 48 px: the pipeline's shapes without the shipped model's cost."""
    torch.manual_seed(0)
    return create_model("mini_resemotenet", width_mult=1 / 16, num_classes=7, input_size=48).eval()


@pytest.fixture(scope="session")
def analyse(tiny_model: torch.nn.Module) -> Callable[..., Analysed]:
    """``analyse(name_or_path, **settings)``: analysed once per session and arguments."""
    cache: dict[tuple, Analysed] = {}

    def run(clip: str | Path, **overrides: object) -> Analysed:
        key = (str(clip), tuple(sorted(overrides.items())))
        if key not in cache:
            chunks: list[AnalysisChunk] = []
            settings = AnalysisSettings(**{**FAST.to_dict(), **overrides})
            path = clip if isinstance(clip, Path) else sample(clip)
            result = analyze_video(path, tiny_model, settings=settings, device="cpu", on_chunk=chunks.append)
            cache[key] = Analysed(result, chunks)
        return cache[key]

    return run
