"""Analyses on the worker, eagerly, with the built-in model on the real sample clips: every frame kept and stored,
the report's files written, bad input and cancels handled."""

import json
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pyarrow.parquet as pq
import pytest
from django.test import TestCase

from tests.worker.recordings.conftest import RecordingMaker
from webapp.recordings import reports, services, storage
from webapp.recordings.models import Analysis, Recording
from worker.recordings.analysis import analyse_run
from worker.recordings.prepare import prepare_run

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def published() -> Iterator[mock.Mock]:
    """Live events, recorded instead of sent (after each commit, as they would be)."""
    with mock.patch("webapp.events.publish") as publish, TestCase.captureOnCommitCallbacks(execute=True):
        yield publish


def _analysed(recording: Recording) -> Analysis:
    prepare_run(recording.pk, hostname="w@test")
    analysis = recording.analyses.get()
    analyse_run(analysis.pk, hostname="w@test")
    analysis.refresh_from_db()
    return analysis


def test_it_tracks_the_one_face_of_a_clip_over_all_its_frames(
    stored_recording: RecordingMaker, published: mock.Mock
) -> None:
    analysis = _analysed(stored_recording("single_face.mp4"))
    assert analysis.status == Analysis.Status.SUCCEEDED, analysis.status_message
    summary = analysis.summary
    assert summary["frames"] == 72
    assert len(summary["tracks"]) == 1
    track = summary["tracks"][0]
    assert (track["first_frame"], track["last_frame"], track["frames"]) == (0, 71, 72)
    assert analysis.participant_track == track["id"]
    assert summary["moments"]
    folder = storage.media_path(analysis.result_dir)
    assert all((folder / "moments" / moment["image"]).is_file() for moment in summary["moments"])
    table = pq.read_table(folder / "frames.parquet")
    assert sorted(set(table.column("frame").to_pylist())) == list(range(72))
    assert (folder / "frames.csv").read_text().splitlines()[0].startswith("frame,time_s,track,x,y,w,h,angry")
    assert len(json.loads((folder / "frames.json").read_text())["rows"]) == table.num_rows
    events = [call.kwargs["event"] for call in published.call_args_list]
    assert "analysis.frames" in events


def test_it_keeps_every_frame_of_a_clip_without_faces(stored_recording: RecordingMaker, published: mock.Mock) -> None:
    analysis = _analysed(stored_recording("no_face.mp4"))
    assert analysis.status == Analysis.Status.SUCCEEDED, analysis.status_message
    assert (analysis.summary["tracks"], analysis.participant_track) == ([], None)
    assert analysis.summary["no_face_frames"] == analysis.summary["frames"] > 0
    timeline = reports.timeline_load(analysis)
    assert timeline is not None
    assert sum(timeline["frames"]) == analysis.summary["frames"]
    assert reports.track_distribution(timeline, None).dominant is None


def test_it_ends_the_track_when_the_face_leaves_an_hevc_clip(
    stored_recording: RecordingMaker, published: mock.Mock
) -> None:
    analysis = _analysed(stored_recording("face_noface.mov"))
    assert analysis.status == Analysis.Status.SUCCEEDED, analysis.status_message
    last = max(track["last_frame"] for track in analysis.summary["tracks"])
    assert 60 <= last <= 84
    assert analysis.summary["no_face_frames"] > 0


def test_it_finds_the_faces_of_a_group_photo(stored_recording: RecordingMaker, published: mock.Mock) -> None:
    analysis = _analysed(stored_recording("multi_face.jpg"))
    assert analysis.status == Analysis.Status.SUCCEEDED, analysis.status_message
    assert analysis.summary["frames"] == 1
    assert len(analysis.summary["tracks"]) >= 4


def test_it_stops_when_cancelled(stored_recording: RecordingMaker, published: mock.Mock, alice: object) -> None:
    recording = stored_recording("single_face.mp4")
    prepare_run(recording.pk, hostname="w@test")
    analysis = recording.analyses.get()
    real_stop_reason = services.analysis_stop_reason

    def cancel_then_check(*, analysis_id: int) -> str:
        Analysis.objects.filter(pk=analysis_id).update(cancel_requested_at="2026-01-01T00:00:00Z")
        return real_stop_reason(analysis_id=analysis_id)

    with mock.patch("webapp.recordings.services.analysis_stop_reason", side_effect=cancel_then_check):
        analyse_run(analysis.pk, hostname="w@test")
    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.CANCELLED
    assert analysis.status_message.startswith("Cancelled after")


def test_it_fails_with_the_probes_message_when_the_file_went_bad(
    stored_recording: RecordingMaker, published: mock.Mock
) -> None:
    recording = stored_recording("single_face.mp4")
    prepare_run(recording.pk, hostname="w@test")
    original: Path = storage.media_path(recording.original_path)
    original.write_bytes(b"")
    analysis = recording.analyses.get()
    analyse_run(analysis.pk, hostname="w@test")
    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.FAILED
    assert "empty" in analysis.status_message.lower()
