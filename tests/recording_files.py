"""Recordings for tests: the real sample clips in ../shared/data/videos/, stored as an upload would store them."""

import shutil
from pathlib import Path
from unittest import mock

from webapp.accounts.models import Team, User
from webapp.recordings import services
from webapp.recordings.models import Recording

VIDEOS = Path(__file__).resolve().parents[2] / "shared" / "data" / "videos"


def clip(name: str) -> Path:
    """One of the sample clips: single_face.mp4, no_face.mp4, face_noface.mov (HEVC), multi_face.jpg, …"""
    return VIDEOS / name


def recording_store(
    *, team: Team, user: User | None, source: Path, tmp_path: Path, analyse: bool = True, name: str = ""
) -> Recording:
    """A recording of a copy of `source`, stored through the service (preparation not queued)."""
    copy = tmp_path / f"upload-{source.name}"
    shutil.copyfile(source, copy)
    with mock.patch("webapp.jobs.enqueue_recording_prepare"):
        return services.recording_create(
            team=team, user=user, name=name or source.stem, original_name=source.name, source=copy,
            size_bytes=copy.stat().st_size, options={"analyse": analyse},
        )  # fmt: skip
