"""The PyPI ``fer`` peer, per frame, for benchmarks/recording_analysis.py; runs in fer's own virtual environment.

    /work/scratch/fer-venv/bin/python benchmarks/fer_loop.py VIDEO [--max-frames N]

Reads frames with OpenCV and calls ``FER().detect_emotions(frame)`` on each, as /work/shared/peers/fer/README.md
says (its ``Video`` class calls ``cv2.waitKey`` and writes ``./data.csv``). One warm-up call (TensorFlow builds its
graph) is not timed; decoding is. Prints one JSON line: frames, frames with a face, seconds, frames/s.
"""

from __future__ import annotations

import argparse
import json
import time

import cv2
from fer.fer import FER


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("video")
    parser.add_argument("--max-frames", type=int, default=0)
    args = parser.parse_args()
    detector = FER()
    capture = cv2.VideoCapture(args.video)
    ok, frame = capture.read()
    if not ok:
        raise SystemExit(f"OpenCV cannot read {args.video}")
    detector.detect_emotions(frame)  # warm-up, untimed
    capture.release()
    capture = cv2.VideoCapture(args.video)
    frames = with_face = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    while not args.max_frames or frames < args.max_frames:
        ok, frame = capture.read()
        if not ok:
            break
        faces = detector.detect_emotions(frame)
        frames += 1
        with_face += bool(faces)
    seconds, cpu_ms = time.perf_counter() - started, 1000 * (time.process_time() - cpu_started) / max(1, frames)
    report = {"frames": frames, "frames_with_face": with_face, "seconds": seconds, "cpu_ms_per_frame": cpu_ms}
    print(json.dumps({**report, "fps": frames / seconds}))


if __name__ == "__main__":
    main()
