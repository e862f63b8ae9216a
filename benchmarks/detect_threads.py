"""Detection threads side by side: analyze_video with one detection thread against the default (one per core),
alternating, on one clip; prints a JSON line per run.

    python benchmarks/detect_threads.py .cache/benchmarks/loop_30s_640x360_30fps.mp4 --rounds 2
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kdcore.pretrained import load_default_model
from kdcore.video import AnalysisSettings, analyze_video


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("clip", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    model, _ = load_default_model(device=args.device)
    for _ in range(args.rounds):
        for threads in (1, 0):
            started = time.perf_counter()
            result = analyze_video(args.clip, model, settings=AnalysisSettings(detect_threads=threads),
                                   device=args.device, on_chunk=lambda chunk: None)  # fmt: skip
            wall = time.perf_counter() - started
            print(json.dumps({
                "detect_threads": threads, "frames": result.frames, "wall_s": round(wall, 2),
                "frames_per_s": round(result.frames / wall, 1), "realtime_x": round(result.duration_s / wall, 2),
                "detect_s": round(result.timings["detect"], 2), "classify_s": round(result.timings["classify"], 2),
            }), flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
