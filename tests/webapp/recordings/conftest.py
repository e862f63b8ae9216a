"""Fixtures of the recordings tests: a private MEDIA_ROOT, nothing sent to a broker, stored recordings."""

from collections.abc import Callable, Iterator
from pathlib import Path
from unittest import mock

import pytest
from pytest_django.fixtures import Settings

from tests.recording_files import clip, recording_store
from webapp.accounts.models import Team, User
from webapp.recordings.models import Recording

RecordingMaker = Callable[..., Recording]


@pytest.fixture(autouse=True)
def held_queue() -> Iterator[mock.Mock]:
    """What would be queued is recorded instead; live events too."""
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


@pytest.fixture
def stored_recording(team: Team, alice: User, media: Path, tmp_path: Path) -> RecordingMaker:
    """`stored_recording("single_face.mp4")`: a recording of a sample clip, stored but not prepared."""

    def make(name: str = "single_face.mp4", *, analyse: bool = False) -> Recording:
        return recording_store(team=team, user=alice, source=clip(name), tmp_path=tmp_path, analyse=analyse)

    return make
