"""Store an ensemble teacher's flip-TTA logits for one FER2013 split, for distilling students without the teachers.

python3 experiments/soft_targets.py --arrays .cache/fer2013.npz --checkpoints runs/a/best.pt runs/b/best.pt \
    --out soft_targets.npz [--split train] [--out-of-fold] [--device cuda] [--batch-size 1024]

``--out-of-fold``: the members were trained with ``data.folds``/``data.fold`` set, and each training face gets the
logits of the members that left its fold out (``kdcore.soft_targets.out_of_fold_logits``).

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
from kdcore.soft_targets import accuracy, member_logits, out_of_fold_logits, save_soft_targets


def main(argv: Sequence[str] | None = None) -> Path:
    """Compute, report and save the soft targets; returns the output path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arrays", required=True, type=Path)
    parser.add_argument("--checkpoints", required=True, nargs="+", type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--split", default="train", choices=["train", "val"])
    parser.add_argument("--out-of-fold", action="store_true", help="each face from the members that never saw it")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--batch-size", type=int, default=1024)
    args = parser.parse_args(argv)

    if args.out_of_fold and args.split != "train":
        raise SystemExit("--out-of-fold needs --split train: the folds partition the training images")
    arrays = FaceArrays.load_npz(args.arrays)
    models, held_out = [], []
    for path in args.checkpoints:
        model, config, meta = load_checkpoint(path, device=args.device)
        names = meta.get("class_names")
        if names is not None and list(names) != list(arrays.class_names):
            raise SystemExit(f"{path}: classes {names} differ from the arrays' {list(arrays.class_names)}")
        models.append(model)
        data = config.get("data", {})
        held_out.append((int(data.get("folds", 0)), int(data.get("fold", 0))))

    labels = arrays.split(args.split).labels.astype(np.int64)
    val_labels = arrays.split("val").labels
    val_members = member_logits(models, arrays, "val", args.device, args.batch_size)
    val_ensemble = val_members.mean(0)
    member_val_acc = np.array([accuracy(logits, val_labels) for logits in val_members], dtype=np.float64)
    if args.out_of_fold:
        try:
            ensemble = out_of_fold_logits(models, held_out, arrays, args.device, args.batch_size)
        except ValueError as error:
            raise SystemExit(str(error)) from error
        for path, val_acc, (folds, fold) in zip(args.checkpoints, member_val_acc, held_out, strict=True):
            print(f"fold {fold}/{folds} val_acc={val_acc:.4f}  {path}")
    else:
        members = (
            val_members
            if args.split == "val"
            else member_logits(models, arrays, args.split, args.device, args.batch_size)
        )
        ensemble = members.mean(0)
        for path, logits, val_acc in zip(args.checkpoints, members, member_val_acc, strict=True):
            print(f"{args.split}_acc={accuracy(logits, labels):.4f} val_acc={val_acc:.4f}  {path}")
    kind = "OUT-OF-FOLD ENSEMBLE" if args.out_of_fold else "ENSEMBLE"
    print(f"{args.split}_acc={accuracy(ensemble, labels):.4f} val_acc={accuracy(val_ensemble, val_labels):.4f}  {kind}")

    save_soft_targets(
        args.out,
        ensemble,
        arrays,
        args.split,
        members=[str(path) for path in args.checkpoints],
        member_val_acc=member_val_acc,
        ensemble_val_acc=accuracy(val_ensemble, val_labels),
        out_of_fold=args.out_of_fold,
    )
    print(f"saved {ensemble.shape} logits to {args.out}")
    return args.out


if __name__ == "__main__":
    main()
