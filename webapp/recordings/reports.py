"""The session report, read from an analysis's files: the timeline, a track's distribution, per-task summaries.

Everything here reads `timeline.json` (per-bin sums per track, written by the worker) or `live.jsonl`, never the
per-frame Parquet file, so the web process needs no numpy or pyarrow and a 90-minute report loads in milliseconds.
Task summaries are exact to a bin (`bin_s`: one frame for short clips, about a second for 90 minutes): a bin that a
task covers in part counts in proportion.
"""

import csv
import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from webapp.recordings import storage
from webapp.recordings.models import CLASS_NAMES, Analysis, TaskSegment

TASK_COLUMNS = ("task", "start_s", "end_s", "dominant", *(f"mean_{name}" for name in CLASS_NAMES), "valence",
                "face_s", "no_face_s")  # fmt: skip


def result_file(analysis: Analysis, name: str) -> Path:
    """One file of an analysis's results."""
    return storage.media_path(f"{analysis.result_dir}/{name}")


def timeline_load(analysis: Analysis) -> dict[str, Any] | None:
    """`timeline.json` of a finished analysis (None before it exists)."""
    path = result_file(analysis, "timeline.json")
    return json.loads(path.read_text()) if path.is_file() else None


def live_rows(analysis: Analysis) -> list[list[Any]]:
    """The live rows stored so far (`[frame, time_s, track, valence, p_angry, …]`); a half-written line ends it."""
    path = result_file(analysis, "live.jsonl")
    rows: list[list[Any]] = []
    if not path.is_file():
        return rows
    with path.open(encoding="utf-8") as file:
        for line in file:
            try:
                rows.extend(json.loads(line))
            except json.JSONDecodeError:
                break
    return rows


def _track(timeline: dict[str, Any], track: int | None) -> dict[str, Any] | None:
    return next((entry for entry in timeline["tracks"] if entry["id"] == track), None)


@dataclass(frozen=True)
class Stretch:
    """Means over some time of one track: probabilities, dominant emotion, valence, time with and without face."""

    mean_probs: dict[str, float | None]
    dominant: str | None
    valence: float | None
    face_s: float
    no_face_s: float


def stretch_summary(timeline: dict[str, Any], track: int | None, start_s: float, end_s: float) -> Stretch:
    """Means of `track` from `start_s` to `end_s` (bins covered in part count in part)."""
    bin_s, entry = timeline["bin_s"], _track(timeline, track)
    weight_faces, sums, valence, covered = 0.0, [0.0] * len(CLASS_NAMES), 0.0, 0.0
    face_s = 0.0
    first, last = max(0, int(start_s / bin_s)), min(len(timeline["frames"]), int(end_s / bin_s) + 1)
    for index in range(first, last):
        overlap = min(end_s, (index + 1) * bin_s) - max(start_s, index * bin_s)
        frames = timeline["frames"][index]
        if overlap <= 0 or frames == 0:
            continue
        share = overlap / bin_s
        covered += overlap
        if entry is None or not entry["faces"][index]:
            continue
        faces = entry["faces"][index]
        face_s += overlap * min(1.0, faces / frames)
        weight_faces += share * faces
        sums = [total + share * value for total, value in zip(sums, entry["prob_sums"][index], strict=True)]
        valence += share * (entry["valence_sum"][index] or 0.0)
    return _stretch(sums, valence, weight_faces, face_s, covered)


def _stretch(sums: list[float], valence: float, weight: float, face_s: float, covered: float) -> Stretch:
    if weight <= 0:
        return Stretch(dict.fromkeys(CLASS_NAMES), None, None, 0.0, round(covered, 3))
    means: dict[str, float | None] = {
        name: round(total / weight, 4) for name, total in zip(CLASS_NAMES, sums, strict=True)
    }
    dominant = max(means, key=lambda name: means[name] or 0.0)
    return Stretch(means, dominant, round(valence / weight, 4), round(face_s, 3), round(max(0.0, covered - face_s), 3))


def track_distribution(timeline: dict[str, Any], track: int | None) -> Stretch:
    """The whole recording's means for one track (the report's distribution)."""
    return stretch_summary(timeline, track, 0.0, timeline["bin_s"] * len(timeline["frames"]))


def task_summaries(timeline: dict[str, Any], tasks: list[TaskSegment], track: int | None) -> list[dict[str, Any]]:
    """One row per task: its id (to delete it), its times and the track's means over it."""
    return [
        {"id": task.pk, "task": task.name, "start_s": task.start_s, "end_s": task.end_s,
         **asdict(stretch_summary(timeline, track, task.start_s, task.end_s))}
        for task in tasks
    ]  # fmt: skip


def task_summaries_csv(rows: list[dict[str, Any]]) -> str:
    """Task summaries as CSV with `TASK_COLUMNS`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TASK_COLUMNS)
    for row in rows:
        probs = [row["mean_probs"][name] for name in CLASS_NAMES]
        cells = [row["task"], row["start_s"], row["end_s"], row["dominant"], *probs, row["valence"], row["face_s"],
                 row["no_face_s"]]  # fmt: skip
        writer.writerow(["" if cell is None else cell for cell in cells])
    return buffer.getvalue()
