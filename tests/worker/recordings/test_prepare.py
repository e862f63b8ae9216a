"""Preparing recordings on the worker: probe, poster, a playable copy where Chromium cannot play the original."""

from pathlib import Path
from unittest import mock

import av
import numpy as np
import pytest
from django.test import TestCase

from kdcore.video import AnalysisSettings, probe
from tests.worker.recordings.conftest import RecordingMaker
from webapp.recordings import services, storage
from webapp.recordings.models import Analysis, Recording
from worker.recordings.prepare import prepare_run

pytestmark = pytest.mark.django_db


def _prepare(recording: Recording) -> Recording:
    """Prepare eagerly; what would be queued or published after each commit is recorded instead."""
    with mock.patch("webapp.events.publish"), TestCase.captureOnCommitCallbacks(execute=True):
        prepare_run(recording.pk, hostname="w@test")
    recording.refresh_from_db()
    return recording


def test_it_probes_a_playable_clip_and_queues_its_analysis(
    stored_recording: RecordingMaker, held_queue: mock.Mock
) -> None:
    recording = _prepare(stored_recording("single_face.mp4"))
    assert recording.status == Recording.Status.SUCCEEDED
    assert recording.info["browser_playable"] is True
    assert recording.playable_path == ""
    assert recording.video_path == recording.original_path
    assert storage.media_path(recording.poster_path).read_bytes()[:3] == b"\xff\xd8\xff"
    analysis = recording.analyses.get()
    held_queue.assert_called_once_with(analysis_id=analysis.pk, queue=analysis.queue)


@pytest.mark.slow
def test_it_makes_a_playable_copy_of_an_hevc_mov(stored_recording: RecordingMaker) -> None:
    recording = _prepare(stored_recording("face_noface.mov", analyse=False))
    assert recording.status == Recording.Status.SUCCEEDED
    assert recording.info["browser_playable"] is False
    assert recording.playable_path.startswith(f"{recording.folder}/playable.")
    assert recording.video_path == recording.playable_path
    assert storage.media_path(recording.playable_path).stat().st_size > 0


def test_it_fails_a_truncated_clip_keeps_nothing_and_fails_its_waiting_analysis(
    stored_recording: RecordingMaker, media: Path, tmp_path: Path
) -> None:
    recording = stored_recording("single_face.mp4")
    original = storage.media_path(recording.original_path)
    original.write_bytes(original.read_bytes()[:2000])
    recording = _prepare(recording)
    assert recording.status == Recording.Status.FAILED
    assert "The file was not kept." in recording.message
    assert recording.original_path == ""
    assert not original.exists()
    analysis = recording.analyses.get()
    assert (analysis.status, analysis.status_message) == (Analysis.Status.FAILED, recording.message)


def test_it_does_nothing_for_a_deleted_recording(stored_recording: RecordingMaker) -> None:
    recording = stored_recording("single_face.mp4")
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.recording_delete(recording=recording)
    prepare_run(recording.pk, hostname="w@test")
    assert not storage.recording_folder(recording.pk).exists()


@pytest.mark.slow
def test_it_says_an_8k_video_is_analysed_scaled_down_and_played_from_a_copy(
    stored_recording: RecordingMaker, tmp_path: Path
) -> None:
    recording = stored_recording("single_face.mp4", analyse=False)
    original = storage.media_path(recording.original_path)
    _write_clip(original, width=7680, height=4320, frames=2)
    messages: list[str] = []
    real = services.recording_probed

    def probed(**kwargs: object) -> object:
        messages.append(str(kwargs["message"]))
        return real(**kwargs)  # type: ignore[arg-type]

    with mock.patch("webapp.recordings.services.recording_probed", side_effect=probed):
        recording = _prepare(recording)
    assert recording.status == Recording.Status.SUCCEEDED
    assert (recording.info["width"], recording.info["height"]) == (7680, 4320)
    width = AnalysisSettings().analysis_width
    assert messages[0].startswith(f"A 7680×4320 video: faces are found on frames scaled down to at most {width} px")
    copy = probe(storage.media_path(recording.playable_path))
    assert copy.height == 1080


def _write_clip(path: Path, *, width: int, height: int, frames: int) -> None:
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(frames):
            frame = av.VideoFrame.from_ndarray(np.full((height, width, 3), 40 * index, dtype=np.uint8), format="rgb24")
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
