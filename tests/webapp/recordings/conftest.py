"""Fixtures of the recordings web tests: a private MEDIA_ROOT, no broker, and a finished analysis made through the
services with small synthetic result files (no worker, no model): what a page or API reads after a real analysis."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from pytest_django.fixtures import Settings

from tests.recording_files import clip, recording_store
from webapp.accounts.models import Team, User
from webapp.recordings import services, storage
from webapp.recordings.models import Analysis, Recording

VIDEO_INFO = {
    "duration_s": 2.0, "frame_rate": 30.0, "frame_count": 60, "width": 640, "height": 360, "rotation": 0,
    "codec": "h264", "container": "mp4", "has_audio": False, "variable_frame_rate": False, "is_image": False,
    "browser_playable": True,
}  # fmt: skip
HAPPY = [0.02, 0.01, 0.02, 0.85, 0.03, 0.02, 0.05]
MOMENT = "t0-happy-f10.jpg"


def timeline() -> dict[str, Any]:
    """A timeline.json as the worker writes it: 4 bins of 0.5 s; face 0 absent in the third bin."""
    sums = [[15 * p for p in HAPPY], [15 * p for p in HAPPY], [0.0] * 7, [15 * p for p in HAPPY]]
    return {
        "bin_s": 0.5, "duration_s": 2.0, "classes": ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"],
        "frames": [15, 15, 15, 15],
        "tracks": [{
            "id": 0, "faces": [15, 15, 0, 15], "prob_sums": sums, "valence_sum": [12.0, 12.0, 0.0, 12.0],
            "probs": [HAPPY, HAPPY, [None] * 7, HAPPY], "valence": [0.8, 0.8, None, 0.8],
        }],
    }  # fmt: skip


def summary() -> dict[str, Any]:
    """The summary `analysis_mark_succeeded` stores: one face, one strongest moment."""
    track = {
        "id": 0, "first_frame": 0, "last_frame": 59, "first_time_s": 0.0, "last_time_s": 1.967, "frames": 45,
        "mean_area_fraction": 0.12, "mean_probs": HAPPY, "dominant_class": 3,
    }  # fmt: skip
    moment = {"track": 0, "emotion": "happy", "frame": 10, "time_s": 0.333, "prob": 0.91, "image": MOMENT}
    return {
        "frames": 60, "duration_s": 2.0, "seconds": 1.5, "frames_per_s": 40.0, "no_face_frames": 15,
        "tracks": [track], "participant_track": 0, "moments": [moment], "bin_s": 0.5, "model": "built-in",
    }  # fmt: skip


@pytest.fixture(autouse=True)
def held_queue() -> Iterator[mock.Mock]:
    """Nothing is sent to a broker and no live event is published: what would be queued is recorded instead."""
    with (
        mock.patch("webapp.jobs.enqueue_recording_prepare") as prepare,
        mock.patch("webapp.jobs.enqueue_recording_analysis"),
        mock.patch("webapp.events.publish"),
    ):
        yield prepare


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def prepared(recording: Recording, *, info: dict[str, Any] | None = None) -> Recording:
    """Run a recording through preparation as a worker would report it: probed, poster written, ready."""
    services.recording_prepare_start(recording_id=recording.pk, hostname="w@test")
    poster = f"{recording.folder}/poster.jpg"
    storage.media_path(poster).write_bytes(clip("single_face.jpg").read_bytes())
    services.recording_probed(recording_id=recording.pk, info=info or VIDEO_INFO, poster_path=poster, message="Ready")
    services.recording_prepare_succeeded(recording_id=recording.pk, playable_path="")
    recording.refresh_from_db()
    return recording


def finished(analysis: Analysis) -> Analysis:
    """Run an analysis as a worker would: claimed, result files written, succeeded with its summary."""
    services.analysis_start(analysis_id=analysis.pk, hostname="w@test", device="cpu")
    folder = storage.media_path(analysis.result_dir)
    (folder / "moments").mkdir(parents=True)
    (folder / "timeline.json").write_text(json.dumps(timeline()))
    (folder / "moments" / MOMENT).write_bytes(clip("single_face.jpg").read_bytes())
    services.analysis_mark_succeeded(analysis_id=analysis.pk, summary=summary())
    analysis.refresh_from_db()
    return analysis


AnalysisMaker = Callable[..., Analysis]


@pytest.fixture
def finished_analysis(team: Team, alice: User, media: Path, tmp_path: Path) -> AnalysisMaker:
    """`finished_analysis(name="Session 3")`: a prepared recording of alice's team with one succeeded analysis."""

    def make(*, name: str = "Session 3") -> Analysis:
        recording = recording_store(team=team, user=alice, source=clip("single_face.mp4"), tmp_path=tmp_path, name=name)
        return finished(prepared(recording).analyses.get())

    return make


RecordingMaker = Callable[..., Recording]


@pytest.fixture
def stored_recording(team: Team, alice: User, media: Path, tmp_path: Path) -> RecordingMaker:
    """`stored_recording("single_face.mp4")`: a recording of a sample clip, stored but not prepared."""

    def make(name: str = "single_face.mp4", *, analyse: bool = False) -> Recording:
        return recording_store(team=team, user=alice, source=clip(name), tmp_path=tmp_path, analyse=analyse)

    return make
