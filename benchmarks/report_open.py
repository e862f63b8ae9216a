"""How fast a long recording's report opens: a synthetic 90-minute analysis (30 fps, 162,000 frames, two faces, the
participant absent now and then), stored as the worker stores it, then the report page and the two requests its
script makes, timed through Django's test client (median of several opens, warm).

    python benchmarks/report_open.py --minutes 90 --repeats 5

Runs on a throwaway SQLite database and MEDIA_ROOT under a temporary folder; prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
_SCRATCH = tempfile.mkdtemp(prefix="report-open-")
os.environ["STUDIO_VAR_DIR"] = _SCRATCH
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings_test")  # static files without collectstatic

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from kdcore.video import AnalysisChunk, valence  # noqa: E402
from webapp.accounts.models import Membership, Team, User  # noqa: E402
from webapp.recordings import storage  # noqa: E402
from webapp.recordings.models import Analysis, Recording  # noqa: E402
from worker.recordings.report_files import write_exports, write_timeline  # noqa: E402
from worker.recordings.results import ResultWriter, read_frames  # noqa: E402

FPS = 30


def synthetic_chunks(minutes: float, *, seed: int = 0) -> Any:
    """One chunk a second: face 0 in 90% of frames, face 1 in 30%, probabilities drifting slowly."""
    rng = np.random.default_rng(seed)
    frames = int(minutes * 60 * FPS)
    drift = rng.normal(size=(frames // FPS + 1, 7)).cumsum(0) * 0.05
    for start in range(0, frames, FPS):
        rows_frame, rows_track = [], []
        for frame in range(start, min(start + FPS, frames)):
            tracks = [t for t, share in ((0, 0.9), (1, 0.3)) if rng.random() < share] or [-1]
            rows_frame += [frame] * len(tracks)
            rows_track += tracks
        n = len(rows_frame)
        logits = drift[start // FPS] + rng.normal(scale=0.3, size=(n, 7))
        probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
        face = np.array(rows_track) >= 0
        probs[~face] = np.nan
        box = np.where(face[:, None], np.array([200, 120, 160, 160], dtype=np.float32), np.nan)
        yield AnalysisChunk(
            frame=np.array(rows_frame, dtype=np.int32), time_s=np.array(rows_frame, dtype=np.float64) / FPS,
            track=np.array(rows_track, dtype=np.int32), box=box.astype(np.float32), probs=probs.astype(np.float32),
            valence=valence(probs), frames_done=rows_frame[-1] + 1,
        )  # fmt: skip


def store(minutes: float) -> tuple[User, Analysis, dict[str, float]]:
    """The rows and files of a finished analysis, written by the worker's own writers; returns how long each took."""
    team = Team.objects.create(name="Bench")
    user = User.objects.create_user(email="bench@example.com", password="not-used-here-1")
    Membership.objects.create(team=team, user=user, role=Membership.Role.OWNER)
    duration = minutes * 60
    info = {"duration_s": duration, "frame_rate": FPS, "width": 640, "height": 360, "browser_playable": True}
    recording = Recording.objects.create(team=team, name="90 minutes", original_name="long.mp4", size_bytes=1,
                                         status=Recording.Status.SUCCEEDED, info=info)  # fmt: skip
    analysis = Analysis.objects.create(team=team, recording=recording, model_label="synthetic",
                                       status=Analysis.Status.SUCCEEDED, participant_track=0)  # fmt: skip
    folder = storage.media_path(analysis.result_dir)
    took: dict[str, float] = {}
    started = time.perf_counter()
    writer = ResultWriter(folder)
    for chunk in synthetic_chunks(minutes):
        writer.append(chunk)
    writer.close()
    took["write_rows_s"] = time.perf_counter() - started
    started = time.perf_counter()
    table = read_frames(folder)
    write_timeline(folder, table, duration_s=duration, frame_rate=FPS)
    took["timeline_s"] = time.perf_counter() - started
    started = time.perf_counter()
    write_exports(folder, table)
    took["exports_s"] = time.perf_counter() - started
    tracks = [{"id": t, "frames": int((table.column("track").to_numpy() == t).sum())} for t in (0, 1)]
    Analysis.objects.filter(pk=analysis.pk).update(
        summary={
            "frames": int(minutes * 60 * FPS),
            "duration_s": duration,
            "tracks": tracks,
            "participant_track": 0,
            "moments": [],
        }
    )
    took["rows"] = table.num_rows
    return user, Analysis.objects.get(pk=analysis.pk), took


def timed(client: Client, url: str, repeats: int) -> dict[str, Any]:
    client.get(url)  # warm: imports, templates, the file cache
    seconds, size = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        size = len(body)
    return {"url": url, "median_ms": round(1000 * statistics.median(seconds), 1),
            "max_ms": round(1000 * max(seconds), 1), "bytes": size}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=90.0)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    user, analysis, took = store(args.minutes)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    urls = [
        f"/recordings/{analysis.recording_id}/",
        f"/api/recordings/analyses/{analysis.pk}/timeline/",
        f"/api/recordings/analyses/{analysis.pk}/report/",
    ]
    opens = [timed(client, url, args.repeats) for url in urls]
    report = {"minutes": args.minutes, "frames": int(args.minutes * 60 * FPS), **took,
              "page_total_median_ms": round(sum(o["median_ms"] for o in opens), 1), "requests": opens}  # fmt: skip
    print(json.dumps(report, indent=1, default=lambda value: round(value, 2)))


if __name__ == "__main__":
    main()
