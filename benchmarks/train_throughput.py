"""Training throughput: the reference recipe's input pipeline against kdcore's GPU-resident loop.

Reference (ResEmoteNet's public recipe): JPEG files read with PIL in a DataLoader (batch 16, Resize 64,
Grayscale→3, RandomHorizontalFlip, ToTensor, Normalize), fp32, SGD. Ours: uint8 faces resident on the GPU,
augmentation on the GPU, bf16 autocast, channels-last, batch 128. Same models, same epoch (all train images).
Prints seconds per epoch and the ratios, measured side by side in one process.

    python benchmarks/train_throughput.py --data ../shared/data/fer2013/fer2013.tar.xz \
        --models resemotenet,mini_resemotenet_a
"""

from __future__ import annotations

import argparse
import json
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch import nn
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kdcore.config import TrainConfig
from kdcore.data import TRAIN, FaceArrays, read_faces
from kdcore.models import create_model
from kdcore.train import Callback, ProgressEvent, TrainState, fit


class FileFaces(Dataset):
    """The reference's dataset: one JPEG file per item, opened with PIL on every access."""

    def __init__(self, files: list[tuple[Path, int]]) -> None:
        self.files = files
        self.transform = transforms.Compose(
            [
                transforms.Resize((64, 64)),
                transforms.Grayscale(num_output_channels=3),
                transforms.RandomHorizontalFlip(),
                transforms.ToTensor(),
                transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
            ]
        )

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        path, label = self.files[i]
        with Image.open(path) as img:
            return self.transform(img.convert("RGB")), label


def unpack_train_files(tar_path: str, dest: Path, class_names: tuple[str, ...]) -> list[tuple[Path, int]]:
    """Extract the train/ JPEGs to disk, as the reference reads them."""
    with tarfile.open(tar_path) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and "/train/" in f"/{m.name}"]
        tar.extractall(dest, members=members, filter="data")
    files = []
    for m in members:
        emotion = Path(m.name).parent.name
        files.append((dest / m.name, class_names.index(emotion)))
    return sorted(files)


def reference_epoch(model_name: str, files: list[tuple[Path, int]], workers: int, device: torch.device) -> float:
    """Seconds for one full epoch of the reference pipeline (after a short warm-up)."""
    model = create_model(model_name).to(device).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    loader = DataLoader(
        FileFaces(files),
        batch_size=16,
        shuffle=True,
        num_workers=workers,
        pin_memory=True,
        persistent_workers=workers > 0,
    )

    def step(x: torch.Tensor, y: torch.Tensor) -> None:
        loss = loss_fn(model(x.to(device, non_blocking=True)), y.to(device, non_blocking=True))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    for i, (x, y) in enumerate(loader):  # warm-up: cuDNN autotune, worker start-up
        step(x, y)
        if i == 20:
            break
    torch.cuda.synchronize(device) if device.type == "cuda" else None
    started = time.perf_counter()
    for x, y in loader:
        step(x, y)
    torch.cuda.synchronize(device) if device.type == "cuda" else None
    return time.perf_counter() - started


class EpochTimer(Callback):
    """Wall time of each epoch's training part (the last batch event syncs the GPU)."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self._start = 0.0

    def on_epoch_start(self, state: TrainState) -> None:
        self._start = time.perf_counter()

    def on_batch_end(self, state: TrainState, event: ProgressEvent) -> None:
        if event.step == event.steps_per_epoch:
            self.seconds.append(time.perf_counter() - self._start)


def kdcore_epoch(model_name: str, arrays: FaceArrays, device: torch.device, batch_size: int) -> float:
    """Seconds for one training epoch of kdcore's loop (second epoch; the first warms up)."""
    timer = EpochTimer()
    cfg = TrainConfig(model=model_name, epochs=2, batch_size=batch_size, log_every=10_000, warmup_epochs=0)
    fit(cfg, device=device, callbacks=[timer], arrays=arrays)
    return timer.seconds[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="FER2013 tar (folders by emotion)")
    parser.add_argument("--arrays", help="optional FaceArrays .npz cache of the same data")
    parser.add_argument("--models", default="resemotenet,mini_resemotenet_a")
    parser.add_argument("--workers", default="0,8")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N training images (smoke runs)")
    parser.add_argument("--json", help="write the results here too")
    args = parser.parse_args()
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.backends.cudnn.benchmark = True
    arrays = FaceArrays.load_npz(args.arrays) if args.arrays else read_faces(args.data)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        files = unpack_train_files(args.data, Path(tmp), tuple(arrays.class_names))
        if args.limit:
            files = files[: args.limit]
            keep = np.isin(np.arange(len(arrays)), np.flatnonzero(arrays.splits == TRAIN)[: args.limit])
            arrays = arrays.subset(keep | (arrays.splits != TRAIN))
        for name in args.models.split(","):
            ours = kdcore_epoch(name, arrays, device, args.batch_size)
            row = {"model": name, "kdcore_s": round(ours, 2)}
            for workers in (int(w) for w in args.workers.split(",")):
                ref = reference_epoch(name, files, workers, device)
                row[f"reference_{workers}w_s"] = round(ref, 2)
                row[f"speedup_vs_{workers}w"] = round(ref / ours, 1)
            rows.append(row)
            print(json.dumps(row), flush=True)
    device_name = torch.cuda.get_device_name() if device.type == "cuda" else "CPU"
    print(f"\n{len(files)} training images per epoch on {device_name}")
    print("| model | " + " | ".join(k for k in rows[0] if k != "model") + " |")
    print("|---" * len(rows[0]) + "|")
    for row in rows:
        print(f"| {row['model']} | " + " | ".join(str(v) for k, v in row.items() if k != "model") + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
