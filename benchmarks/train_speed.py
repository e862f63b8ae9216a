"""Seconds per training epoch of kdcore's loop across models and input sizes, with and without a distillation
teacher, measured side by side in one process.

Each setting trains for ``--epochs`` epochs on the full training split (the first epoch, which includes cuDNN
autotuning, is reported apart); the steady time is the mean of the later epochs. Ratios are against the
no-teacher run of the same model at the first size.

    python benchmarks/train_speed.py --arrays .cache/fer2013.npz --models resemotenet,mini_resemotenet_a \
        --sizes 64,128 --distill off,on --json $OUT/train_speed.json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kdcore.checkpoint import save_checkpoint
from kdcore.config import DistillConfig, TrainConfig
from kdcore.data import FaceArrays, read_faces
from kdcore.models import build_model
from kdcore.train import Callback, TrainState, fit


class EpochClock(Callback):
    """Wall time of every epoch, validation and callbacks included."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self._start = 0.0

    def on_epoch_start(self, state: TrainState) -> None:
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        self._start = time.perf_counter()

    def on_epoch_end(self, state: TrainState, event: object) -> None:
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        self.seconds.append(time.perf_counter() - self._start)


def random_teacher(name: str, size: int, num_classes: int, folder: Path) -> str:
    """A saved, untrained teacher of the given input size (its speed does not depend on its weights)."""
    config = TrainConfig(model=name, input_size=size).to_dict()
    model = build_model(config, num_classes)
    return str(save_checkpoint(folder / f"{name}_{size}.pt", model, config, {"class_names": list(range(num_classes))}))


def measure(cfg: TrainConfig, arrays: FaceArrays) -> tuple[float, float]:
    """(first epoch s, mean of the later epochs s) for one configuration."""
    clock = EpochClock()
    fit(cfg, arrays=arrays, callbacks=[clock])
    return clock.seconds[0], sum(clock.seconds[1:]) / max(1, len(clock.seconds) - 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arrays", help="FaceArrays .npz cache of FER2013")
    parser.add_argument("--data", help="FER2013 tar (read when --arrays is not given)")
    parser.add_argument("--models", default="resemotenet,mini_resemotenet_a")
    parser.add_argument("--sizes", default="64,96")
    parser.add_argument("--distill", default="off", help="off,on: also time KD from a ResEmoteNet teacher")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--json", help="write the rows here too")
    args = parser.parse_args()
    torch.backends.cudnn.benchmark = True
    arrays = FaceArrays.load_npz(args.arrays) if args.arrays else read_faces(args.data)
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            base = None
            for size in (int(s) for s in args.sizes.split(",")):
                for distill in args.distill.split(","):
                    kd = None
                    if distill == "on":
                        teacher = random_teacher("resemotenet", size, len(arrays.class_names), Path(tmp))
                        kd = DistillConfig(teacher_checkpoints=(teacher,))
                    cfg = TrainConfig(
                        model=name,
                        input_size=size,
                        epochs=args.epochs,
                        batch_size=args.batch_size,
                        distill=kd,
                        ema_decay=0.999,
                        log_every=10_000,
                        checkpoint_every=0,
                    )
                    first, steady = measure(cfg, arrays)
                    base = base or steady
                    row = {
                        "model": name,
                        "size": size,
                        "kd": distill,
                        "first_epoch_s": round(first, 2),
                        "epoch_s": round(steady, 3),
                        "time_vs_first": round(steady / base, 2),
                    }
                    rows.append(row)
                    print(json.dumps(row), flush=True)
    device = torch.cuda.get_device_name() if torch.cuda.is_available() else "CPU"
    print(f"\nbatch {args.batch_size}, {len(arrays.split('train').labels)} training images per epoch on {device}")
    print("| " + " | ".join(rows[0]) + " |")
    print("|---" * len(rows[0]) + "|")
    for row in rows:
        print("| " + " | ".join(str(v) for v in row.values()) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
