"""The files a finished analysis leaves for its report: the binned timeline, the per-frame exports, the moments.

`timeline.json` holds, per bin of `bin_s` seconds (at most `MAX_BINS` bins; one per frame for short clips):
`frames` (frames in the bin), and per track `faces` (frames the track's face was in), `prob_sums` and `valence_sum`
(exact sums, so any task segment's means are exact to a bin), `probs` and `valence` (smoothed means, for drawing;
null where the face was absent). The web app reads only this file to draw the report, so a 90-minute recording's
report is one small JSON file away.
"""

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from kdcore.data import CLASS_NAMES
from kdcore.video import smooth_probs
from worker.recordings.results import FRAME_COLUMNS, MAX_BINS

SMOOTHING_S = 1.0  # the report's smoothing window, at least two bins wide
# A "strongest moment" of an emotion the face never showed (its best frame at 5%) would mislead: the report lists
# only moments the model read with at least this probability.
MIN_MOMENT_PROB = 0.3


def bin_width(duration_s: float, frame_rate: float) -> float:
    """One frame per bin for short clips; at most `MAX_BINS` bins for long ones."""
    frame_s = 1.0 / frame_rate if frame_rate > 0 else 1.0 / 30
    return max(frame_s, duration_s / MAX_BINS)


def write_timeline(folder: Path, table: pa.Table, *, duration_s: float, frame_rate: float) -> dict[str, Any]:
    """Write `timeline.json` and return it."""
    bin_s = bin_width(duration_s, frame_rate)
    frame = table.column("frame").to_numpy()
    time_s = table.column("time_s").to_numpy()
    track = table.column("track").to_numpy()
    probs = np.stack([table.column(name).to_numpy(zero_copy_only=False) for name in CLASS_NAMES], axis=1)
    valence = table.column("valence").to_numpy(zero_copy_only=False)
    bins = max(1, math.ceil(max(duration_s, float(time_s.max(initial=0.0)) + 1e-9) / bin_s))
    index = np.minimum((time_s / bin_s).astype(np.int64), bins - 1)
    _, first = np.unique(frame, return_index=True)
    timeline = {
        "bin_s": bin_s, "duration_s": duration_s, "classes": list(CLASS_NAMES),
        "frames": np.bincount(index[first], minlength=bins).tolist(),
        "tracks": [
            _track_bins(int(t), index[track == t], time_s[track == t], probs[track == t], valence[track == t], bins,
                        max(SMOOTHING_S, 2 * bin_s))
            for t in np.unique(track[track >= 0])
        ],
    }  # fmt: skip
    (folder / "timeline.json").write_text(json.dumps(timeline, separators=(",", ":"), allow_nan=False))
    return timeline


def _track_bins(
    track: int, index: np.ndarray, time_s: np.ndarray, probs: np.ndarray, valence: np.ndarray, bins: int, window: float
) -> dict[str, Any]:
    faces = np.bincount(index, minlength=bins)
    sums = np.zeros((bins, probs.shape[1]))
    np.add.at(sums, index, probs)
    valence_sum = np.bincount(index, weights=valence, minlength=bins)
    smoothed = smooth_probs(time_s, probs, window_s=window)
    smooth_sums = np.zeros_like(sums)
    np.add.at(smooth_sums, index, smoothed)
    smooth_valence = np.bincount(index, weights=_valence_of(smoothed), minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        means, valence_means = smooth_sums / faces[:, None], smooth_valence / faces
    return {
        "id": track, "faces": faces.tolist(), "prob_sums": _rounded(sums), "valence_sum": _rounded(valence_sum),
        "probs": _rounded(means), "valence": _rounded(valence_means),
    }  # fmt: skip


def _valence_of(probs: np.ndarray) -> np.ndarray:
    from kdcore.video import valence

    return valence(probs)


def _rounded(values: np.ndarray) -> list[Any]:
    """Lists of floats to 4 decimals, NaN as null (JSON has no NaN)."""
    rounded = np.round(values.astype(np.float64), 4).astype(object)
    rounded[~np.isfinite(values.astype(np.float64))] = None
    values_list: list[Any] = rounded.tolist()
    return values_list


def _nulled(table: pa.Table) -> pa.Table:
    """NaN (no face) as empty cells / null."""
    columns = []
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_floating(column.type):
            column = pc.if_else(pc.is_nan(column), pa.scalar(None, column.type), column)
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def write_exports(folder: Path, table: pa.Table) -> None:
    """`frames.csv` and `frames.json` (`{"columns": [...], "rows": [[...], ...]}`): every stored row."""
    table = _nulled(table.select(list(FRAME_COLUMNS)))
    with (folder / "frames.csv").open("wb") as file:
        file.write((",".join(FRAME_COLUMNS) + "\n").encode())  # pyarrow would quote every name
        pacsv.write_csv(table, file, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    with (folder / "frames.json").open("w", encoding="utf-8") as file:
        file.write('{"columns":' + json.dumps(list(FRAME_COLUMNS)) + ',"rows":[')
        first = True
        for batch in table.to_batches(max_chunksize=4096):
            for row in zip(*(column.to_pylist() for column in batch.columns), strict=True):
                file.write(("" if first else ",") + json.dumps(row, separators=(",", ":")))
                first = False
        file.write("]}")


def write_moments(folder: Path, moments: list[Any]) -> list[dict[str, Any]]:
    """Save the face of each strongest moment read with at least `MIN_MOMENT_PROB` as a JPEG; returns their summary
    entries."""
    target = folder / "moments"
    target.mkdir(exist_ok=True)
    entries = []
    for moment in moments:
        if moment.prob < MIN_MOMENT_PROB:
            continue
        name = f"t{moment.track}-{CLASS_NAMES[moment.class_index]}-f{moment.frame}.jpg"
        (target / name).write_bytes(moment.jpeg)
        entries.append({
            "track": moment.track, "emotion": CLASS_NAMES[moment.class_index], "frame": moment.frame,
            "time_s": round(float(moment.time_s), 3), "prob": round(float(moment.prob), 4), "image": name,
        })  # fmt: skip
    return entries
