"""Recording analysis on a GPU machine: end-to-end frames/s of kdcore.video with batched GPU classification and
detection on every CPU core, on a 5-minute 640×360 30 fps clip looped from the sample clips.

    python benchmarks/recording_gpu.py --videos .devdata/videos --device cuda --json recording_gpu.json

End to end = ``analyze_video`` from the file to the last chunk (decode, detect, track, crop, classify, moments;
nothing stored), with the built-in Student B (160 px). ``timings`` say where the time goes: ``decode`` and
``detect`` are seconds of their own threads (detect summed over its threads), the rest seconds of the main loop.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kdcore.pretrained import load_default_model
from kdcore.video import AnalysisSettings, analyze_video

SIZE, FPS = (640, 360), 30
LOOP = ("single_face.mp4", "face_noface.mov", "no_face.mp4")


def build_clip(videos: Path, path: Path, seconds: float) -> None:
    """The sample clips, scaled to 640×360 and looped, as H.264 at a constant 30 fps."""
    frames = []
    for name in LOOP:
        with av.open(str(videos / name)) as container:
            frames += [f.reformat(width=SIZE[0], height=SIZE[1], format="yuv420p") for f in container.decode(video=0)]
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = SIZE[0], SIZE[1], "yuv420p"
        stream.codec_context.options = {"crf": "23", "preset": "veryfast"}
        for index in range(round(seconds * FPS)):
            frame = frames[index % len(frames)]
            frame.pts, frame.time_base = index, Fraction(1, FPS)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def run(path: Path, model: torch.nn.Module, device: str, settings: AnalysisSettings) -> dict[str, Any]:
    rows = 0

    def count(chunk: Any) -> None:
        nonlocal rows
        rows += len(chunk)

    started = time.perf_counter()
    result = analyze_video(path, model, settings=settings, device=device, on_chunk=count)
    wall = time.perf_counter() - started
    return {
        "settings": {k: v for k, v in dataclasses.asdict(settings).items() if v != getattr(AnalysisSettings(), k)},
        "frames": result.frames, "rows": rows, "video_s": round(result.duration_s, 2), "wall_s": round(wall, 2),
        "frames_per_s": round(result.frames / wall, 1), "realtime_x": round(result.duration_s / wall, 1),
        "tracks": len(result.tracks), "timings": {k: round(v, 2) for k, v in sorted(result.timings.items())},
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--videos", type=Path, required=True, help="folder with the sample clips")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/recording_gpu"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    args.scratch.mkdir(parents=True, exist_ok=True)
    clip = args.scratch / f"loop_{args.minutes:g}min_640x360.mp4"
    if not clip.exists():
        build_clip(args.videos, clip, args.minutes * 60)
    model, _ = load_default_model(device=args.device)
    run(args.videos / "single_face.mp4", model, args.device, AnalysisSettings())  # warm-up: CUDA, cuDNN, Haar
    variants = [
        AnalysisSettings(),
        AnalysisSettings(batch_size=256),
        AnalysisSettings(batch_size=256, detect_every=1),
        AnalysisSettings(batch_size=256, detect_threads=1),
    ]
    report = {
        "device": torch.cuda.get_device_name(0) if args.device == "cuda" else "cpu", "cpus": os.cpu_count(),
        "torch": torch.__version__, "clip": clip.name, "runs": [run(clip, model, args.device, s) for s in variants],
    }  # fmt: skip
    text = json.dumps(report, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text)


if __name__ == "__main__":
    main()
