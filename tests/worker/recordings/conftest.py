"""Fixtures of the worker's recording tests: a private MEDIA_ROOT, and recordings of the sample clips."""

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
    """Nothing is sent to a broker: tests run the tasks themselves."""
    with (
        mock.patch("webapp.jobs.enqueue_recording_prepare"),
        mock.patch("webapp.jobs.enqueue_recording_analysis") as enqueue,
    ):
        yield enqueue


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def stored_recording(team: Team, alice: User, media: Path, tmp_path: Path) -> RecordingMaker:
    """`stored_recording("single_face.mp4", analyse=True)`: a recording of a sample clip, not yet prepared."""

    def make(name: str, *, analyse: bool = True) -> Recording:
        return recording_store(team=team, user=alice, source=clip(name), tmp_path=tmp_path, analyse=analyse)

    return make
