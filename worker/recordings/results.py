"""An analysis's results on disk, written in one pass as chunks arrive from `kdcore.video.analyze_video`.

- `frames.parquet`: every row (one per face and frame, and one per frame without a face), the record;
- `live.jsonl`: the rows the live timeline shows (at most `LIVE_RATE` a second of video per track), so a page
  reloaded mid-analysis catches up;
- at the end, `timeline.json` (per-bin sums and smoothed means per track: the report's timeline, distribution and
  task summaries read only this), `frames.csv` and `frames.json` (exports) and the strongest moments as JPEGs.
Column names are documented in the README ("Recording exports").
"""

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from kdcore.data import CLASS_NAMES

LIVE_RATE = 10  # live rows per second of video and track
MAX_BINS = 5400  # the report's timeline: one bin a second for 90 minutes, one per frame for short clips
FRAME_COLUMNS = ("frame", "time_s", "track", "x", "y", "w", "h", *CLASS_NAMES, "valence")
_COLUMN_TYPES: list[tuple[str, pa.DataType]] = [("frame", pa.int32()), ("time_s", pa.float64()), ("track", pa.int32())]
_SCHEMA = pa.schema(_COLUMN_TYPES + [(name, pa.float32()) for name in FRAME_COLUMNS[3:]])


def live_rows(chunk: Any, last_slot: dict[int, int]) -> list[list[Any]]:
    """Rows of `chunk` for the live timeline: `[frame, time_s, track, valence, p_angry, …, p_neutral]`.

    At most `LIVE_RATE` rows a second of video per track (the first frame of each slot); `last_slot` carries the
    slot each track last filled across chunks. Frames without a face come as track -1 with nulls.
    """
    rows = []
    for index in range(len(chunk.frame)):
        track, time_s = int(chunk.track[index]), float(chunk.time_s[index])
        slot = math.floor(time_s * LIVE_RATE)
        if last_slot.get(track) == slot:
            continue
        last_slot[track] = slot
        probs = [_num(value) for value in chunk.probs[index]]
        rows.append([int(chunk.frame[index]), round(time_s, 3), track, _num(chunk.valence[index]), *probs])
    return rows


def _num(value: Any) -> float | None:
    value = float(value)
    return round(value, 4) if math.isfinite(value) else None


class ResultWriter:
    """Appends chunks to the Parquet file and the live rows; `close()` ends the Parquet file."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._parquet: pq.ParquetWriter | None = pq.ParquetWriter(
            folder / "frames.parquet", _SCHEMA, compression="zstd"
        )
        self._live = (folder / "live.jsonl").open("a", encoding="utf-8")
        self._slots: dict[int, int] = {}

    def append(self, chunk: Any) -> list[list[Any]]:
        """Store a chunk; returns its live rows (to publish)."""
        assert self._parquet is not None, "append() after close()"
        self._parquet.write_table(_table(chunk))
        rows = live_rows(chunk, self._slots)
        if rows:
            self._live.write(json.dumps(rows, separators=(",", ":")) + "\n")
            self._live.flush()
        return rows

    def close(self) -> None:
        """Finish both files (idempotent)."""
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None
        self._live.close()


def _table(chunk: Any) -> pa.Table:
    box = np.asarray(chunk.box, dtype=np.float32).reshape(-1, 4)
    probs = np.asarray(chunk.probs, dtype=np.float32).reshape(-1, len(CLASS_NAMES))
    columns = [
        pa.array(np.asarray(chunk.frame, dtype=np.int32)),
        pa.array(np.asarray(chunk.time_s, dtype=np.float64)),
        pa.array(np.asarray(chunk.track, dtype=np.int32)),
        *(pa.array(box[:, i]) for i in range(4)),
        *(pa.array(probs[:, i]) for i in range(len(CLASS_NAMES))),
        pa.array(np.asarray(chunk.valence, dtype=np.float32)),
    ]
    return pa.Table.from_arrays(columns, schema=_SCHEMA)


def read_frames(folder: Path) -> pa.Table:
    """Every stored row, in frame order."""
    return pq.read_table(folder / "frames.parquet")
