"""Store an ensemble teacher's flip-TTA logits for one FER2013 split, for distilling students without the teachers.

python3 experiments/soft_targets.py --arrays .cache/fer2013.npz --checkpoints runs/a/best.pt runs/b/best.pt \
    --out soft_targets.npz [--split train] [--device cuda] [--batch-size 1024]

Prints train/val accuracy of each member and of the ensemble; never touches the test (PrivateTest) split.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kdcore.checkpoint import load_checkpoint
from kdcore.data import FaceArrays
from kdcore.soft_targets import accuracy, member_logits, save_soft_targets


def main(argv: Sequence[str] | None = None) -> Path:
    """Compute, report and save the soft targets; returns the output path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arrays", required=True, type=Path)
    parser.add_argument("--checkpoints", required=True, nargs="+", type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--split", default="train", choices=["train", "val"])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--batch-size", type=int, default=1024)
    args = parser.parse_args(argv)

    arrays = FaceArrays.load_npz(args.arrays)
    models = []
    for path in args.checkpoints:
        model, _, meta = load_checkpoint(path, device=args.device)
        names = meta.get("class_names")
        if names is not None and list(names) != list(arrays.class_names):
            raise SystemExit(f"{path}: classes {names} differ from the arrays' {list(arrays.class_names)}")
        models.append(model)

    labels = arrays.split(args.split).labels.astype(np.int64)
    val_labels = arrays.split("val").labels
    members = member_logits(models, arrays, args.split, args.device, args.batch_size)
    val_members = members if args.split == "val" else member_logits(models, arrays, "val", args.device, args.batch_size)
    ensemble, val_ensemble = members.mean(0), val_members.mean(0)

    member_val_acc = np.array([accuracy(logits, val_labels) for logits in val_members], dtype=np.float64)
    for path, logits, val_acc in zip(args.checkpoints, members, member_val_acc, strict=True):
        print(f"{args.split}_acc={accuracy(logits, labels):.4f} val_acc={val_acc:.4f}  {path}")
    print(
        f"{args.split}_acc={accuracy(ensemble, labels):.4f} val_acc={accuracy(val_ensemble, val_labels):.4f}  ENSEMBLE"
    )

    save_soft_targets(
        args.out,
        ensemble,
        arrays,
        args.split,
        members=[str(path) for path in args.checkpoints],
        member_val_acc=member_val_acc,
        ensemble_val_acc=accuracy(val_ensemble, val_labels),
    )
    print(f"saved {ensemble.shape} logits to {args.out}")
    return args.out


if __name__ == "__main__":
    main()
