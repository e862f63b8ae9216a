"""Recording analysis on the CPU: end-to-end frames/s of kdcore.video, its settings' trade-offs, and the PyPI
``fer`` package side by side, in one run.

    python benchmarks/recording_analysis.py --repeats 2 --json .cache/benchmarks/recording_analysis.json

Clips: the shared samples ``single_face.mp4`` (640×360 H.264) and ``face_noface.mov`` (960×540 HEVC), and a
5-minute 640×360 30 fps H.264 clip looped from the samples (scaled; about two frames in three show the face), made
under ``--scratch`` when missing. End to end = ``analyze_video`` from file to the last chunk (decode, detect, track,
crop, classify, moments; nothing stored). The sweep runs on the first ``--sweep-seconds`` of the same loop, where it
is known which frames show a face, so each setting's speed comes with its face recall. fer runs in its own venv
(``benchmarks/fer_loop.py``, see /work/shared/peers/fer/README.md); ours keeps every frame with its timestamp, fer
returns only frames with a face and no time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kdcore.models import create_model
from kdcore.pretrained import load_default_model
from kdcore.video import AnalysisSettings, analyze_video

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / ".." / "shared" / "data" / "videos"
FER_LOOP = Path(__file__).with_name("fer_loop.py")
SIZE, FPS = (640, 360), 30
# The loop: the face clip forward and back (no jump), the clip where the face leaves, again, and the empty room.
PLAN = [("single_face.mp4", False), ("single_face.mp4", True), ("face_noface.mov", False)] * 1 + [
    ("single_face.mp4", False),
    ("single_face.mp4", True),
    ("no_face.mp4", False),
]
FACE_LEAVES = (64, 80)  # face_noface.mov: a face before frame 64, none from 80; in between not scored


def sample_frames(name: str) -> list[np.ndarray]:
    """Every frame of a sample, RGB at 640×360."""
    with av.open(str(SAMPLES / name)) as container:
        frames = container.decode(video=0)
        return [f.reformat(width=SIZE[0], height=SIZE[1], format="rgb24").to_ndarray() for f in frames]


def loop_truth(frames: int, lengths: dict[str, int]) -> np.ndarray:
    """Per frame of the loop: 1 face, 0 none, -1 not scored (the moment the face leaves)."""
    truth: list[int] = []
    while len(truth) < frames:
        for name, _ in PLAN:
            if name == "single_face.mp4":
                truth += [1] * lengths[name]
            elif name == "no_face.mp4":
                truth += [0] * lengths[name]
            else:
                truth += [1 if i < FACE_LEAVES[0] else 0 if i >= FACE_LEAVES[1] else -1 for i in range(lengths[name])]
    return np.array(truth[:frames])


def build_clip(path: Path, seconds: float, sources: dict[str, list[np.ndarray]]) -> None:
    """Write the looped clip: H.264, yuv420p, constant 30 fps."""
    path.parent.mkdir(parents=True, exist_ok=True)
    total, written = round(seconds * FPS), 0
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = SIZE[0], SIZE[1], "yuv420p"
        stream.codec_context.options = {"crf": "23", "preset": "veryfast"}
        while written < total:
            for name, backwards in PLAN:
                for picture in sources[name][::-1] if backwards else sources[name]:
                    if written == total:
                        break
                    frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
                    frame.pts = written
                    out.mux(stream.encode(frame))
                    written += 1
        out.mux(stream.encode(None))


def run_ours(path: Path, model: torch.nn.Module, settings: AnalysisSettings, truth: np.ndarray | None = None) -> dict:
    """One end-to-end analysis: frames/s, × real time, where the time went, and face recall when truth is known."""
    seen: list[np.ndarray] = []

    def keep(chunk: Any) -> None:
        seen.append(np.unique(chunk.frame[chunk.track >= 0]))

    cpu_started = time.process_time()
    result = analyze_video(path, model, settings=settings, device="cpu", on_chunk=keep)
    row = {
        "frames": result.frames,
        "seconds": result.seconds,
        "cpu_ms_per_frame": 1000 * (time.process_time() - cpu_started) / result.frames,
        "fps": result.frames_per_s,
        "x_real_time": result.duration_s / result.seconds,
        "timings": {k: round(v, 2) for k, v in result.timings.items()},
    }
    if truth is not None:
        face = np.zeros(result.frames, dtype=bool)
        face[np.concatenate(seen).astype(int)] = True
        row["face_recall"] = float(face[truth == 1].mean())
        row["false_face_rate"] = float(face[truth == 0].mean())
    return row


def run_fer(python: Path, path: Path, max_frames: int = 0) -> dict:
    """fer's per-frame loop in its own interpreter (``benchmarks/fer_loop.py``)."""
    command = [str(python), str(FER_LOOP), str(path), "--max-frames", str(max_frames)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def spread(values: list[float], digits: int = 1) -> str:
    """'a–b' for repeated measurements, the value alone for one."""
    low, high = f"{min(values):.{digits}f}", f"{max(values):.{digits}f}"
    return low if low == high else f"{low}–{high}"


def side_by_side(clips: list[Path], model: torch.nn.Module, args: argparse.Namespace) -> list[dict]:
    """Ours (defaults, built-in Student B) and fer on the same clips, alternating, ``--repeats`` times."""
    rows = []
    for clip in clips:
        ours, fer = [], []
        for _ in range(args.repeats):
            ours.append(run_ours(clip, model, AnalysisSettings()))
            if args.fer_python.exists():
                limit = args.fer_max_frames if clip.name.startswith("loop_") else 0
                fer.append(run_fer(args.fer_python, clip, limit))
            print(f"  {clip.name}: ours {ours[-1]['fps']:.1f} fps, fer {fer[-1] if fer else '-'}", file=sys.stderr)
        rows.append({"clip": clip.name, "ours": ours, "fer": fer})
    return rows


def in_rounds(configs: list[dict], measure: Any, rounds: int) -> list[dict]:
    """Each config measured once per round, the order reversed every other round, so a busy spell on the shared
    machine spreads over all of them; per config the runs are kept (``runs``) beside the first one's fields."""
    runs: dict[int, list[dict]] = {i: [] for i in range(len(configs))}
    for round_index in range(rounds):
        order = range(len(configs)) if round_index % 2 == 0 else reversed(range(len(configs)))
        for i in order:
            runs[i].append(measure(configs[i]))
            print(f"  {configs[i]}: {runs[i][-1]['fps']:.1f} fps", file=sys.stderr)
    return [{**configs[i], **runs[i][0], "runs": runs[i]} for i in range(len(configs))]


def sweep(clip: Path, truth: np.ndarray, model: torch.nn.Module, rounds: int) -> list[dict]:
    """detect_every × analysis_width with the built-in model: speed and face recall."""
    configs = [{"detect_every": k, "analysis_width": w} for w in (320, 480, 640) for k in (1, 2, 3, 5)]
    return in_rounds(configs, lambda c: run_ours(clip, model, AnalysisSettings(**c), truth), rounds)


def thread_counts(clip: Path, truth: np.ndarray, model: torch.nn.Module, rounds: int) -> list[dict]:
    """cpu_threads 1 and 2 (torch and OpenCV), and 0 (as the process had them), with the other defaults."""
    configs = [{"cpu_threads": n} for n in (1, 2, 0)]
    return in_rounds(configs, lambda c: run_ours(clip, model, AnalysisSettings(**c), truth), rounds)


def group_photo() -> list[dict]:
    """Faces Haar finds in multi_face.jpg (five people, one in sunglasses) at each analysis width."""
    from kdcore.video.detect import create_detector, find_faces
    from kdcore.video.reader import FrameReader

    with FrameReader(SAMPLES / "multi_face.jpg") as reader:
        gray = next(iter(reader)).gray
    rows = []
    for width in (320, 480, 640):
        settings = AnalysisSettings(analysis_width=width)
        detector = create_detector(settings)
        scale = width / gray.shape[1]
        small = cv2.resize(gray, (width, round(gray.shape[0] * scale)), interpolation=cv2.INTER_AREA)
        raw = len(detector.detect(small, min_size=round(settings.min_face_px * scale))[0])
        rows.append({"analysis_width": width, "boxes": raw, "faces": len(find_faces(detector, gray, settings))})
    return rows


def fer2013_framing(count: int = 600) -> dict:
    """How much of a FER2013 image Haar's box covers: PrivateTest faces enlarged to 192 px on a black border."""
    import io
    import tarfile

    from PIL import Image

    from kdcore.video.detect import HaarDetector

    detector, sides = HaarDetector(), []
    with tarfile.open(REPO / ".." / "shared" / "data" / "fer2013" / "fer2013.tar.xz") as archive:
        members = (m for m in archive if m.isfile() and "PrivateTest" in m.name)
        for member, _ in zip(members, range(count), strict=False):
            data = archive.extractfile(member)
            assert data is not None, "a regular file of the archive has content"
            face = np.asarray(Image.open(io.BytesIO(data.read())).convert("L"))
            big = cv2.copyMakeBorder(cv2.resize(face, (192, 192)), 64, 64, 64, 64, cv2.BORDER_CONSTANT, value=0)
            boxes, _ = detector.detect(big, min_size=60)
            if len(boxes) == 1:
                sides.append(boxes[0][2] / 192)
    quartiles = np.percentile(sides, [25, 50, 75]).round(3).tolist()
    return {"faces": count, "found": len(sides), "box_side_quartiles": quartiles}


def classifier_prep(model: torch.nn.Module, rounds: int) -> dict:
    """ms per face, batch 32, one thread: the model as loaded against FaceClassifier's prepared copy, alternating."""
    from kdcore.preprocess import to_model_input
    from kdcore.video._threads import cpu_threads
    from kdcore.video.classify import FaceClassifier

    faces = np.random.default_rng(0).integers(0, 256, (32, 48, 48), dtype=np.uint8)
    prepared = FaceClassifier(model, "cpu")

    def plain() -> None:
        with torch.inference_mode():
            model(to_model_input(torch.from_numpy(faces), size=prepared.input_size))

    costs: dict[str, list[float]] = {"as_loaded": [], "prepared": []}
    with cpu_threads(1):
        for _ in range(rounds):
            for name, run in (("as_loaded", plain), ("prepared", lambda: prepared.probabilities(faces))):
                run()
                started = time.perf_counter()
                for _ in range(5):
                    run()
                costs[name].append(1000 * (time.perf_counter() - started) / (5 * len(faces)))
    return costs


def gray_cost(runs: int = 50) -> dict:
    """ms per 960×540 frame: FFmpeg's conversion to gray against kdcore.video's luma-plane read."""
    from kdcore.video._gray import gray_of

    with av.open(str(SAMPLES / "face_noface.mov")) as container:
        frames = [f for _, f in zip(range(runs), container.decode(video=0), strict=False)]
    costs = {}
    for name, convert in (("ffmpeg_gray", lambda f: f.to_ndarray(format="gray")), ("luma_plane", gray_of)):
        started = time.perf_counter()
        for frame in frames:
            convert(frame)
        costs[name] = 1000 * (time.perf_counter() - started) / len(frames)
    return costs


def classifier_sizes(clip: Path, rounds: int) -> list[dict]:
    """Students A/B/C at 64/128/160 px (random weights: speed does not depend on them), default detection."""
    models = ("mini_resemotenet_a", "mini_resemotenet_b", "mini_resemotenet_c")
    configs = [{"model": name, "input_size": size} for name in models for size in (64, 128, 160)]

    def measure(config: dict) -> dict:
        model = create_model(config["model"], input_size=config["input_size"]).eval()
        return run_ours(clip, model, AnalysisSettings())

    return in_rounds(configs, measure, rounds)


def print_tables(report: dict) -> None:
    if report.get("side_by_side"):
        columns = ["clip", "video s", "ours frames/s", "ours × real time", "fer frames/s", "ours / fer"]
        columns += ["CPU ms/frame ours · fer", "rows ours / fer"]
        print("\n| " + " | ".join(columns) + " |")
        print("|---|---|---|---|---|---|---|---|")
    for row in report.get("side_by_side", []):
        ours, fer = row["ours"], [f for f in row["fer"] if "fps" in f]
        ratios = [o["fps"] / f["fps"] for o, f in zip(ours, fer, strict=False)]
        fer_fps = spread([f["fps"] for f in fer]) if fer else "—"
        fer_cpu = spread([f["cpu_ms_per_frame"] for f in fer]) if fer else "—"
        fer_rows = f"{fer[0]['frames_with_face']} of {fer[0]['frames']}" if fer else "—"
        print(
            f"| {row['clip']} | {ours[0]['seconds'] * ours[0]['x_real_time']:.1f} "
            f"| {spread([o['fps'] for o in ours])} | {spread([o['x_real_time'] for o in ours], 2)} | {fer_fps} "
            f"| {spread(ratios, 2) if ratios else '—'} | {spread([o['cpu_ms_per_frame'] for o in ours])} · {fer_cpu} "
            f"| {ours[0]['frames']} / {fer_rows} |"
        )
    if report.get("sweep"):
        print("\n| detect_every | analysis_width | frames/s | × real time | CPU ms/frame | face recall | false faces |")
        print("|---|---|---|---|---|---|---|")
        for r in report["sweep"]:
            fps, cpu = [x["fps"] for x in r["runs"]], [x["cpu_ms_per_frame"] for x in r["runs"]]
            print(
                f"| {r['detect_every']} | {r['analysis_width']} | {spread(fps)} | {spread([f / FPS for f in fps], 2)} "
                f"| {spread(cpu)} | {r['face_recall']:.3f} | {r['false_face_rate']:.3f} |"
            )
    for row in report.get("group_photo", []):
        print(f"group photo at {row['analysis_width']} px: {row['boxes']} Haar boxes, {row['faces']} faces of 5")
    for key in ("fer2013_framing", "gray_ms_per_frame", "classifier_prep_ms_per_face"):
        if key in report:
            print(f"{key}: {report[key]}")
    if report.get("threads"):
        print("\n| cpu_threads | frames/s | × real time | CPU ms/frame | detect s | classify s |")
        print("|---|---|---|---|---|---|")
        for r in report["threads"]:
            fps, cpu = [x["fps"] for x in r["runs"]], [x["cpu_ms_per_frame"] for x in r["runs"]]
            detect = [x["timings"]["detect"] for x in r["runs"]]
            classify = [x["timings"]["classify"] for x in r["runs"]]
            print(
                f"| {r['cpu_threads']} | {spread(fps)} | {spread([f / FPS for f in fps], 2)} | {spread(cpu)} "
                f"| {spread(detect)} | {spread(classify)} |"
            )
    if report.get("classifiers"):
        print("\n| classifier | input px | frames/s | × real time | CPU ms/frame | classify s (first run) |")
        print("|---|---|---|---|---|---|")
        for r in report["classifiers"]:
            fps, cpu = [x["fps"] for x in r["runs"]], [x["cpu_ms_per_frame"] for x in r["runs"]]
            print(
                f"| {r['model']} | {r['input_size']} | {spread(fps)} | {spread([f / FPS for f in fps], 2)} "
                f"| {spread(cpu)} | {r['timings'].get('classify', 0):.2f} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scratch", type=Path, default=REPO / ".cache" / "benchmarks")
    parser.add_argument("--fer-python", type=Path, default=Path("/work/scratch/fer-venv/bin/python"))
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--minutes", type=float, default=5.0, help="length of the looped clip")
    parser.add_argument("--sweep-seconds", type=float, default=20.0)
    parser.add_argument("--fer-max-frames", type=int, default=0, help="fer on the long clip: first N frames (0: all)")
    parser.add_argument("--parts", default="side_by_side,sweep,classifiers")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    sources = {name: sample_frames(name) for name, _ in PLAN}
    lengths = {name: len(frames) for name, frames in sources.items()}
    long_clip = args.scratch / f"loop_{args.minutes:g}min_640x360_30fps.mp4"
    excerpt = args.scratch / f"loop_{args.sweep_seconds:g}s_640x360_30fps.mp4"
    for path, seconds in ((long_clip, args.minutes * 60), (excerpt, args.sweep_seconds)):
        if not path.exists():
            build_clip(path, seconds, sources)
    model, _ = load_default_model()
    run_ours(SAMPLES / "single_face.mp4", model, AnalysisSettings())  # warm-up: torch, OpenCV, first allocations
    report: dict[str, Any] = {"torch_threads": torch.get_num_threads(), "started": time.strftime("%Y-%m-%d %H:%M")}
    report["load_average_at_start"] = os.getloadavg()
    if "side_by_side" in parts:
        clips = [SAMPLES / "single_face.mp4", SAMPLES / "face_noface.mov", long_clip]
        report["side_by_side"] = side_by_side(clips, model, args)
    truth = loop_truth(round(args.sweep_seconds * FPS), lengths)
    if "sweep" in parts:
        report["sweep"] = sweep(excerpt, truth, model, args.repeats)
    if "group_photo" in parts:
        report["group_photo"] = group_photo()
    if "framing" in parts:
        report["fer2013_framing"] = fer2013_framing()
    if "classifier_prep" in parts:
        report["classifier_prep_ms_per_face"] = classifier_prep(model, args.repeats)
    if "gray" in parts:
        report["gray_ms_per_frame"] = gray_cost()
    if "threads" in parts:
        report["threads"] = thread_counts(excerpt, truth, model, args.repeats)
    if "classifiers" in parts:
        report["classifiers"] = classifier_sizes(excerpt, args.repeats)
    report["load_average_at_end"] = os.getloadavg()
    print(f"\nload average (1/5/15 min) at start {report['load_average_at_start']}, at end {os.getloadavg()}")
    print_tables(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
