"""Recordings for tests: the real sample clips in ../shared/data/videos/, stored as an upload would store them."""

import json
import shutil
from pathlib import Path
from unittest import mock

from webapp.accounts.models import Team, User
from webapp.recordings import services, storage
from webapp.recordings.models import Analysis, Recording

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


def finished_analysis(recording: Recording, *, tracks: int = 1) -> Analysis:
    """A succeeded analysis of `recording` with small synthetic result files (4 one-second bins per track)."""
    analysis = Analysis.objects.create(
        team=recording.team, recording=recording, model_label=services.BUILT_IN_MODEL, status=Analysis.Status.SUCCEEDED,
        participant_track=0 if tracks else None,
        summary={
            "frames": 40, "duration_s": 4.0, "tracks": [{"id": t, "frames": 40 - t} for t in range(tracks)],
            "participant_track": 0 if tracks else None,
            "moments": [{"track": 0, "emotion": "happy", "frame": 5, "time_s": 0.5, "prob": 0.9, "image": "m.jpg"}],
        },
    )  # fmt: skip
    folder = storage.media_path(analysis.result_dir)
    (folder / "moments").mkdir(parents=True)
    (folder / "moments" / "m.jpg").write_bytes(b"\xff\xd8\xff" + b"\0" * 16)
    happy = [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]
    timeline = {
        "bin_s": 1.0, "duration_s": 4.0, "frames": [10, 10, 10, 10],
        "tracks": [
            {"id": t, "faces": [10] * 4, "prob_sums": [[10 * p for p in happy]] * 4, "valence_sum": [10.0] * 4,
             "probs": [happy] * 4, "valence": [1.0] * 4}
            for t in range(tracks)
        ],
    }  # fmt: skip
    (folder / "timeline.json").write_text(json.dumps(timeline))
    (folder / "frames.csv").write_text("frame,time_s,track\n0,0.0,0\n")
    (folder / "frames.json").write_text('{"columns":["frame"],"rows":[[0]]}')
    return analysis
