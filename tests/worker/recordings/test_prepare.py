"""Preparing recordings on the worker: probe, poster, a playable copy where Chromium cannot play the original."""

from pathlib import Path
from unittest import mock

import pytest
from django.test import TestCase

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
