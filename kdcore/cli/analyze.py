"""``analyze``: per-frame emotions of a recording (or a photo) to CSV / JSON lines, and a summary on stdout.

``python -m kdcore analyze VIDEO [--checkpoint PATH] [--device auto] [--out rows.csv|rows.jsonl]
[--moments-dir DIR] [--detect-every K] [--analysis-width PX] ...``. Progress goes to stderr about once a second.
kdcore.video is imported when the command runs, so ``import kdcore.cli`` loads neither PyAV nor OpenCV.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any, TextIO

from kdcore.cli._common import CliError, Console, device_from
from kdcore.config import DEVICES
from kdcore.data.classes import CLASS_NAMES
from kdcore.video.settings import AnalysisSettings

_SETTING_FLAGS = ("detect_every", "analysis_width", "batch_size", "min_face_px", "max_faces", "detector")
OUT_SUFFIXES = (".csv", ".jsonl")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``analyze``."""
    parser = subparsers.add_parser("analyze", help="per-frame emotions of the faces in a video or photo")
    parser.add_argument("video", type=Path, help="a video (.mp4, .mov, .webm, …) or a photo (.jpg, .png)")
    parser.add_argument("--checkpoint", type=Path, help="a kdcore checkpoint; default: the built-in Student B")
    parser.add_argument("--device", choices=DEVICES, default="auto")
    parser.add_argument("--out", type=Path, help="write every row to .csv or .jsonl (one per face per frame)")
    parser.add_argument("--moments-dir", type=Path, help="write the strongest moments' JPEG thumbnails here")
    defaults = AnalysisSettings()
    for name in _SETTING_FLAGS:
        kind = type(getattr(defaults, name))
        parser.add_argument(f"--{name.replace('_', '-')}", type=kind, help=f"default {getattr(defaults, name)}")
    parser.set_defaults(handler=run)


def build_settings(args: argparse.Namespace) -> AnalysisSettings:
    """Defaults with every given flag on top; a bad value is a ``ConfigError`` naming the field."""
    given = {name: getattr(args, name) for name in _SETTING_FLAGS if getattr(args, name) is not None}
    return AnalysisSettings.from_dict(given)


def run(args: argparse.Namespace, console: Console) -> int:
    """Analyse, stream rows to ``--out``, write moments, then print one JSON summary line."""
    from kdcore.video import analyze_video  # PyAV, OpenCV and the pipeline load here, not at CLI start-up

    if args.out is not None and args.out.suffix.lower() not in OUT_SUFFIXES:
        raise CliError(f"--out must end in {' or '.join(OUT_SUFFIXES)}, got {args.out.name}")
    settings = build_settings(args)
    device = device_from(args.device)
    model, class_names = _load_model(args.checkpoint, device)
    with _row_writer(args.out, class_names) as write_rows:
        result = analyze_video(
            args.video,
            model,
            settings=settings,
            device=device,
            on_chunk=write_rows,
            progress=lambda p: console.err(json.dumps({"event": "progress", **p.to_dict()})),
        )
    if args.moments_dir is not None:
        _write_moments(args.moments_dir, result.moments, class_names)
    console.json(_summary(args, result, class_names, settings))
    return 0


def _load_model(checkpoint: Path | None, device: Any) -> tuple[Any, tuple[str, ...]]:
    if checkpoint is None:
        from kdcore.pretrained import load_default_model

        model, meta = load_default_model(device=device)
    else:
        from kdcore.checkpoint import load_checkpoint

        model, _, meta = load_checkpoint(checkpoint, device=device)
    return model, tuple(meta.get("class_names", CLASS_NAMES))


@contextmanager
def _row_writer(path: Path | None, class_names: tuple[str, ...]) -> Iterator[Callable[[Any], None]]:
    """A chunk callback that appends rows to ``path`` (or drops them when no path was given)."""
    if path is None:
        yield lambda chunk: None
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = ["frame", "time_s", "track", "x", "y", "w", "h", *class_names, "valence"]
    with path.open("w", newline="") as handle:
        writer = _csv_rows(handle, columns) if path.suffix.lower() == ".csv" else _jsonl_rows(handle, columns)
        yield lambda chunk: writer(_chunk_rows(chunk))


def _chunk_rows(chunk: Any) -> Iterator[list[Any]]:
    for i in range(len(chunk)):
        values = [float(v) for v in (*chunk.box[i], *chunk.probs[i], chunk.valence[i])]
        yield [int(chunk.frame[i]), round(float(chunk.time_s[i]), 6), int(chunk.track[i]), *_no_nan(values)]


def _no_nan(values: list[float]) -> list[float | None]:
    return [None if math.isnan(v) else round(v, 6) for v in values]


def _csv_rows(handle: TextIO, columns: list[str]) -> Callable[[Iterator[list[Any]]], None]:
    writer = csv.writer(handle)
    writer.writerow(columns)
    return lambda rows: writer.writerows(["" if v is None else v for v in row] for row in rows)


def _jsonl_rows(handle: TextIO, columns: list[str]) -> Callable[[Iterator[list[Any]]], None]:
    return lambda rows: handle.writelines(json.dumps(dict(zip(columns, row, strict=True))) + "\n" for row in rows)


def _write_moments(directory: Path, moments: list[Any], class_names: tuple[str, ...]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for m in moments:
        name = f"track{m.track}_{class_names[m.class_index]}_{m.time_s:08.2f}s_p{m.prob:.2f}.jpg"
        (directory / name).write_bytes(m.jpeg)


def _summary(
    args: argparse.Namespace, result: Any, class_names: tuple[str, ...], settings: AnalysisSettings
) -> dict[str, Any]:
    data = result.to_dict()
    for track in data["tracks"]:
        track["dominant"] = class_names[track["dominant_class"]]
    real_time = result.duration_s / result.seconds if result.seconds > 0 else None
    header = {"event": "summary", "video": str(args.video), "out": str(args.out) if args.out else None}
    settings_used = {f.name: getattr(settings, f.name) for f in fields(settings)}
    return {**header, **data, "times_real_time": real_time, "class_names": list(class_names), "settings": settings_used}
