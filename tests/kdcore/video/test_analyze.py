"""analyze_video on the real clips: every frame kept, stable tracks, chunks that stream, stop and progress."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch

from kdcore.video import AnalysisChunk, AnalysisProgress, AnalysisSettings, VideoError, analyze_video
from tests.kdcore.video import clips
from tests.kdcore.video.clips import needs_samples, sample
from tests.kdcore.video.conftest import FAST, Analysed

pytestmark = needs_samples
Analyse = Callable[..., Analysed]


def test_it_tracks_the_single_face_through_all_72_frames(analyse: Analyse) -> None:
    run = analyse("single_face.mp4")
    np.testing.assert_array_equal(run.column("frame"), np.arange(72))  # one row per frame, in order
    np.testing.assert_array_equal(run.column("track"), np.zeros(72))
    [track] = run.result.tracks
    assert (track.id, track.first_frame, track.last_frame, track.frames) == (0, 0, 71, 72)
    assert run.result.participant_track == 0
    np.testing.assert_allclose(run.column("time_s"), np.arange(72) / 30, atol=1e-9)
    assert run.result.duration_s == pytest.approx(2.4)


def test_it_streams_valid_rows_in_small_chunks(analyse: Analyse) -> None:
    run = analyse("single_face.mp4")
    for chunk in run.chunks:
        assert chunk.time_s[-1] - chunk.time_s[0] < FAST.chunk_seconds
        assert chunk.frame.dtype == np.int32
        assert chunk.track.dtype == np.int32
        assert chunk.box.dtype == np.float32
        assert chunk.probs.dtype == np.float32
    assert [c.frames_done for c in run.chunks] == list(itertools.accumulate(len(c) for c in run.chunks))
    probs, box = run.column("probs"), run.column("box")
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert np.all((box[:, 0] >= 0) & (box[:, 0] + box[:, 2] <= 640) & (box[:, 1] + box[:, 3] <= 360))
    assert np.all(np.abs(run.column("valence")) <= 1)


def test_it_keeps_every_frame_of_a_clip_without_faces(analyse: Analyse) -> None:
    run = analyse("no_face.mp4")
    assert run.result.frames == 95  # every decodable frame (the header's estimate says 98)
    np.testing.assert_array_equal(run.column("frame"), np.arange(95))
    assert np.all(run.column("track") == -1)
    assert np.isnan(run.column("probs")).all()
    assert np.isnan(run.column("box")).all()
    assert np.isnan(run.column("valence")).all()
    assert run.result.tracks == []
    assert run.result.participant_track is None
    assert run.result.moments == []


@pytest.mark.slow
def test_it_ends_the_track_when_the_face_leaves_and_keeps_the_empty_frames(analyse: Analyse) -> None:
    run = analyse("face_noface.mov")  # HEVC, variable frame rate, face until about frame 72
    frames, track = run.column("frame"), run.column("track")
    np.testing.assert_array_equal(np.unique(frames), np.arange(169))
    [face] = run.result.tracks
    assert abs(face.last_frame - 72) <= 6
    assert np.all(track[frames > face.last_frame] == -1)
    times = run.column("time_s")
    assert times[-1] == pytest.approx(97695 / 15360)  # the last frame's own timestamp, not 168 / fps
    assert np.all(np.diff(times) > 0)


@pytest.mark.slow
def test_it_finds_at_least_four_faces_in_the_group_photo(analyse: Analyse) -> None:
    run = analyse("multi_face.jpg", analysis_width=640)
    assert run.result.frames == 1
    assert len(run.result.tracks) >= 4
    assert len(run.column("track")) == len(run.result.tracks)
    assert set(run.column("frame").tolist()) == {0}


@pytest.mark.slow
def test_it_keeps_moments_with_thumbnails_a_gap_apart(analyse: Analyse) -> None:
    moments = analyse("face_noface.mov").result.moments
    assert {m.track for m in moments} == {0}
    assert {m.class_index for m in moments} == set(range(7))
    for _, group in itertools.groupby(moments, key=lambda m: (m.track, m.class_index)):
        times = [m.time_s for m in group]
        assert len(times) <= FAST.moments_per_class
        assert all(b - a >= FAST.moment_gap_s for a, b in itertools.pairwise(times))
    assert all(m.jpeg.startswith(b"\xff\xd8") for m in moments)


def test_it_says_where_the_time_went(analyse: Analyse) -> None:
    timings = analyse("single_face.mp4").result.timings
    assert {"decode", "detect", "track", "crop", "classify"} <= timings.keys()
    assert all(seconds >= 0 for seconds in timings.values())


@pytest.mark.slow
def test_it_turns_a_rotated_clip_upright_before_detecting(tmp_path: Path, analyse: Analyse) -> None:
    path = clips.write_rotated(sample("single_face.mp4"), tmp_path / "phone.mp4", degrees=-90)
    run = analyse(path)
    assert np.all(run.column("track") == 0)  # Haar finds only upright faces: every frame was turned
    box = run.column("box")
    assert np.all(box[:, 0] + box[:, 2] <= 640)
    assert np.all(box[:, 1] + box[:, 3] <= 360)


@pytest.mark.slow
def test_it_reads_what_a_truncated_clip_still_holds(tmp_path: Path, analyse: Analyse) -> None:
    from kdcore.video import make_playable_copy

    whole = make_playable_copy(sample("single_face.mp4"), tmp_path / "whole")  # index first (faststart)
    cut = clips.write_truncated(whole, tmp_path / "cut.mp4", 0.6)
    run = analyse(cut)
    assert 0 < run.result.frames < 72
    np.testing.assert_array_equal(run.column("frame"), np.arange(run.result.frames))


def test_it_stops_when_asked(tiny_model: torch.nn.Module) -> None:
    chunks: list[AnalysisChunk] = []
    result = analyze_video(
        sample("face_noface.mov"), tiny_model, settings=FAST, device="cpu", on_chunk=chunks.append,
        should_stop=lambda: True,
    )  # fmt: skip
    assert result.stopped
    assert len(chunks) == 1
    assert result.frames == chunks[0].frames_done < 169
    assert not any(t.name == "kdcore-video-decode" and t.is_alive() for t in threading.enumerate())


class FakeClock:
    """Moves on 0.4 s every time it is read, whatever the machine's speed."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        self.now += 0.4
        return self.now


def test_it_reports_progress_about_once_a_second_of_its_clock(tiny_model: torch.nn.Module) -> None:
    reports: list[AnalysisProgress] = []
    settings = AnalysisSettings(**{**FAST.to_dict(), "chunk_seconds": 0.2})
    result = analyze_video(
        sample("single_face.mp4"), tiny_model, settings=settings, device="cpu", on_chunk=lambda chunk: None,
        progress=reports.append, clock=FakeClock(),
    )  # fmt: skip
    assert len(reports) >= 3
    assert all(b.elapsed_s - a.elapsed_s >= 1.0 for a, b in itertools.pairwise(reports[:-1]))
    assert [r.frames_done for r in reports] == sorted(r.frames_done for r in reports)
    assert all(r.frames_total == 72 for r in reports)
    last = reports[-1]
    assert (last.frames_done, last.eta_s) == (72, 0.0)
    assert last.frames_per_s == pytest.approx(72 / last.elapsed_s)
    assert result.seconds >= last.elapsed_s


def test_it_raises_video_error_before_any_chunk(tmp_path: Path, tiny_model: torch.nn.Module) -> None:
    chunks: list[AnalysisChunk] = []
    with pytest.raises(VideoError, match="web page"):
        analyze_video(_html(tmp_path), tiny_model, settings=FAST, device="cpu", on_chunk=chunks.append)
    assert chunks == []


def _html(tmp_path: Path) -> Path:
    path = tmp_path / "page.mov"
    path.write_text(clips.HTML)
    return path


def test_it_leaves_the_model_in_the_mode_it_came_in(tiny_model: torch.nn.Module) -> None:
    tiny_model.train()
    try:
        analyze_video(sample("multi_face.jpg"), tiny_model, settings=FAST, device="cpu", on_chunk=lambda c: None)
        assert tiny_model.training
    finally:
        tiny_model.eval()


@pytest.mark.slow
def test_it_runs_the_built_in_160_px_model() -> None:
    from kdcore.pretrained import load_default_model

    model, _ = load_default_model()
    chunks: list[AnalysisChunk] = []
    result = analyze_video(sample("single_face.mp4"), model, settings=FAST, device="cpu", on_chunk=chunks.append)
    probs = np.concatenate([c.probs for c in chunks])
    assert result.frames == 72
    assert probs.shape == (72, 7)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)


def test_it_finds_the_same_faces_whatever_the_number_of_detection_threads(analyse: Analyse) -> None:
    one, four = analyse("face_noface.mov", detect_threads=1), analyse("face_noface.mov", detect_threads=4)
    for column in ("frame", "track", "box"):
        np.testing.assert_array_equal(one.column(column), four.column(column))
    assert [t.id for t in one.result.tracks] == [t.id for t in four.result.tracks]
