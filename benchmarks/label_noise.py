"""How well out-of-sample probabilities find flipped labels: flip a fraction of FER2013's training labels, cross-fit,
and score each ranking of the faces against the flips it knows.

Needs only torch, numpy, Pillow and cleanlab (``worker/reviews/ranking.py`` is loaded by path: no Django, no Celery).
Prints one JSON object; progress goes to stderr.

    # the full training set on a GPU
    python benchmarks/label_noise.py --device cuda --out label_noise.json
    # a CPU subset
    python benchmarks/label_noise.py --subset 4000 --model mini_resemotenet_c --input-size 48 --epochs 8 --device cpu
    # the top 100 of the unflipped set as a contact sheet, for a person to judge
    python benchmarks/label_noise.py --noise 0 --contact-sheet top100.png --top 100 --device cuda
    # the average of two saved runs (same faces, same flips), ranked
    python benchmarks/label_noise.py --combine run1.npz run2.npz
    # a second round: fold models that do not train on the 3,000 faces the saved runs rank most suspicious
    python benchmarks/label_noise.py --device cuda --epochs 80 --exclude-top 3000 --first-round run1.npz run2.npz
    # four cross-fits (other folds, other seeds) averaged, every fold of each in its own process on one GPU (small
    # fold models leave most of it idle)
    python benchmarks/label_noise.py --device cuda --epochs 80 --repeats 4 --parallel-folds --out label_noise.json

Precision@k and recall@k at k = the number flipped are one number (the top k holds as many flips as it finds); the
area under the precision-recall curve is the average precision of the whole ranking. FER2013's own wrong labels are
not known, so they count against every ranking alike.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _contact_sheet import contact_sheet  # noqa: E402

from kdcore.config import AugmentConfig, DataConfig, TrainConfig  # noqa: E402
from kdcore.data import FaceArrays, read_faces  # noqa: E402
from kdcore.label_quality import CrossFitProgress, cross_fit_probs, label_scores  # noqa: E402
from kdcore.runtime import resolve_device  # noqa: E402

FER2013 = ROOT.parent / "shared" / "data" / "fer2013" / "fer2013.tar.xz"
CLEANLAB_RANKED_BY = ("self_confidence", "normalized_margin")
CLEANLAB_FILTER_BY = ("prune_by_noise_rate", "both", "confident_learning")


def load_ranking() -> Any:
    """``worker/reviews/ranking.py`` by path: importing the ``worker`` package would start Celery and Django."""
    spec = importlib.util.spec_from_file_location("label_ranking", ROOT / "worker" / "reviews" / "ranking.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {ROOT / 'worker' / 'reviews' / 'ranking.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def training_faces(args: argparse.Namespace) -> FaceArrays:
    """FER2013's Training split, or a seeded random ``--subset`` of it (class shares kept on average)."""
    arrays = FaceArrays.load_npz(args.arrays) if args.arrays else read_faces(args.data)
    train = arrays.split("train")
    if args.subset and args.subset < len(train):
        keep = np.zeros(len(train), dtype=bool)
        keep[np.random.default_rng(args.seed).choice(len(train), args.subset, replace=False)] = True
        train = train.subset(keep)
    return train


def flip_labels(labels: np.ndarray, fraction: float, num_classes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(noisy labels, flipped indices sorted): ``round(fraction·N)`` faces, each moved to another class uniformly."""
    rng = np.random.default_rng(seed + 1)
    flipped = np.sort(rng.choice(len(labels), round(fraction * len(labels)), replace=False))
    noisy = labels.copy()
    noisy[flipped] = (labels[flipped] + rng.integers(1, num_classes, len(flipped))) % num_classes
    return noisy, flipped


def train_config(args: argparse.Namespace, device: torch.device) -> TrainConfig:
    """The fold models' run: the repository's SGD recipe at the benchmark's size, batch 256 (fast on a GPU)."""
    cuda = device.type == "cuda"
    return TrainConfig(
        data=DataConfig(image_size=48), model="mini_resemotenet" if args.width else args.model,
        width_mult=args.width, input_size=args.input_size, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
        warmup_epochs=min(1.0, args.epochs), augment=AugmentConfig(), seed=args.seed, device=device.type,
        bf16=cuda, channels_last=cuda, eval_batch_size=1024, log_every=50, checkpoint_every=0,
        ema_decay=args.ema_decay, label_smoothing=args.label_smoothing, time_budget_s=args.time_budget,
    ).validate()  # fmt: skip


def ranking_metrics(order: np.ndarray, flipped: np.ndarray) -> dict[str, float]:
    """Precision and recall in the top k (k = number flipped) and the average precision of the whole ranking."""
    hits = np.isin(order, flipped)
    k = len(flipped)
    found = np.cumsum(hits)
    average_precision = float((found[hits] / (np.flatnonzero(hits) + 1)).sum() / k)
    return {
        "precision_at_k": float(found[k - 1] / k),
        "recall_at_k": float(found[k - 1] / k),
        "pr_auc": average_precision,
    }


def rankings(ranking: Any, labels: np.ndarray, probs: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray | None]]:
    """Every ranking compared: the scores alone (baselines), and cleanlab's flagged-first orders."""
    scores = label_scores(labels, probs)
    out: dict[str, tuple[np.ndarray, np.ndarray | None]] = {
        "self_confidence": (np.argsort(scores["self_confidence"], kind="stable"), None),
        "normalized_margin": (np.argsort(scores["normalized_margin"], kind="stable"), None),
    }
    for ranked_by in CLEANLAB_RANKED_BY:
        for filter_by in CLEANLAB_FILTER_BY:
            order, _, is_issue = ranking.rank_label_issues(labels, probs, ranked_by=ranked_by, filter_by=filter_by)
            out[f"cleanlab:{filter_by}:{ranked_by}"] = (order, is_issue)
    return out


def compare(ranking: Any, labels: np.ndarray, probs: np.ndarray, flipped: np.ndarray) -> dict[str, Any]:
    """Metrics of each ranking, and of each cleanlab flagged set (its size, precision and recall)."""
    started = time.perf_counter()
    orders = rankings(ranking, labels, probs)
    results: dict[str, Any] = {"seconds_all_rankings": round(time.perf_counter() - started, 3)}
    for name, (order, is_issue) in orders.items():
        entry: dict[str, Any] = ranking_metrics(order, flipped)
        if is_issue is not None:
            caught = int(is_issue[flipped].sum())
            entry.update(flagged=int(is_issue.sum()), flagged_precision=caught / max(1, int(is_issue.sum())))
            entry["flagged_recall"] = caught / len(flipped)
        results[name] = entry
    return results


def write_sheet(args: argparse.Namespace, faces: FaceArrays, labels: np.ndarray, probs: np.ndarray, order: np.ndarray,
                flipped: np.ndarray, sheet_ranking: str) -> None:  # fmt: skip
    """The top ``--top`` faces of ``order``: given → suggested label, and p(given)."""
    top = order[: args.top]
    names = faces.class_names
    suggested = probs.argmax(1)
    captions = [(f"#{rank + 1} p={probs[i, labels[i]]:.2f}", f"{names[labels[i]][:7]}>{names[suggested[i]][:7]}")
                for rank, i in enumerate(top)]  # fmt: skip
    title = f"top {len(top)} of {len(labels)} by cleanlab ({sheet_ranking}); caption: given>suggested"
    marked = np.isin(top, flipped).tolist() if len(flipped) else None
    contact_sheet(faces.images[top], captions, marked=marked, title=title).save(args.contact_sheet)


def print_progress(point: CrossFitProgress, last: list[float]) -> None:
    """At most one line every 10 s, and one per finished fold."""
    now = time.perf_counter()
    if point.stage == "predicted" or now - last[0] >= 10:
        last[0] = now
        print(f"fold {point.fold}/{point.folds} epoch {point.epoch}/{point.epochs} step {point.step}: "
              f"{100 * point.fraction:.1f}% eta {point.eta_s:.0f}s", file=sys.stderr, flush=True)  # fmt: skip


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=FER2013, help="FER2013 as read_faces reads it")
    parser.add_argument("--arrays", type=Path, help="a FaceArrays .npz cache instead of --data")
    parser.add_argument("--subset", type=int, default=0, help="a seeded random subset of this many training faces")
    parser.add_argument("--noise", type=float, default=0.05, help="fraction of labels flipped (0: the unflipped set)")
    parser.add_argument("--model", default="mini_resemotenet_b")
    parser.add_argument("--width", type=float, help="any width (model mini_resemotenet)")
    parser.add_argument("--input-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--ema-decay", type=float, default=0.0, help="EMA of the weights (the Studio's jobs: 0.999)")
    parser.add_argument("--label-smoothing", type=float, default=0.0)
    parser.add_argument("--time-budget", type=float, default=0.0, help="seconds for the whole cross-fit (0: none)")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--seed", type=int, default=0, help="subset, flips, folds and training (repeat r: + 100·r)")
    parser.add_argument("--no-tta", action="store_true", help="predict held-out faces without the mirrored average")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    parser.add_argument("--combine", type=Path, nargs="+", help="rank the average of these --save-probs files instead")
    parser.add_argument("--save-probs", type=Path, help="write probs, labels, flips and face names to this .npz")
    parser.add_argument("--contact-sheet", type=Path, help="PNG of the top --top faces of the cleanlab ranking")
    parser.add_argument("--sheet-ranking", default="", help="FILTER_BY:RANKED_BY (default: the ranking module's)")
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--first-round", type=Path, nargs="+", help="--save-probs files whose average ranks the faces")
    parser.add_argument("--exclude-top", type=int, default=0, help="train no fold model on the first round's top N")
    parser.add_argument("--repeats", type=int, default=1, help="cross-fits with other folds and seeds, averaged")
    parser.add_argument("--parallel-folds", action="store_true", help="each fold in its own process, then combined")
    parser.add_argument("--member", type=int, default=0, help=argparse.SUPPRESS)  # a --parallel-folds child's repeat
    parser.add_argument("--only-fold", type=int, help=argparse.SUPPRESS)  # a --parallel-folds child
    parser.add_argument("--part", type=Path, help=argparse.SUPPRESS)  # where the child writes its .npz and .json
    return parser.parse_args(argv)


def member_seed(args: argparse.Namespace, member: int) -> int:
    """Cross-fit ``member``'s seed (its folds and training); the subset and the flips keep ``--seed``."""
    return args.seed + 100 * member


def parallel_folds(args: argparse.Namespace, argv: list[str]) -> tuple[list[np.ndarray], list[dict[str, Any]], float]:
    """Every (member, fold) model trained and predicted in its own process at once.

    Returns each member's probs (its children drew the same folds, so each face's row comes from exactly one of
    them), every fold's metrics and the wall seconds.
    """
    scratch = Path(tempfile.mkdtemp(prefix="label_noise_"))
    parts = [(member, fold) for member in range(args.repeats) for fold in range(args.folds)]
    started = time.perf_counter()
    children = [
        subprocess.Popen([sys.executable, __file__, *argv, "--member", str(member), "--only-fold", str(fold),
                          "--part", str(scratch / f"{member}_{fold}")])
        for member, fold in parts
    ]  # fmt: skip
    codes = [child.wait() for child in children]
    if any(codes):
        raise SystemExit(f"a fold's process failed; its output is above (parts in {scratch})")
    wall = time.perf_counter() - started
    members = [
        np.nanmean(np.stack([np.load(scratch / f"{member}_{fold}.npz")["probs"] for fold in range(args.folds)]), 0)
        for member in range(args.repeats)
    ]
    metrics = [m for member, fold in parts for m in json.loads((scratch / f"{member}_{fold}.json").read_text())]
    return members, metrics, wall


def write_part(path: Path, out: Any, member: int) -> None:
    """A child's rows (NaN for the folds it did not fit) and its fold's metrics."""
    np.savez(path.with_suffix(".npz"), probs=out.probs)
    metrics = [{"member": member, **m} for m in out.metrics()["fold_metrics"]]
    path.with_suffix(".json").write_text(json.dumps(metrics))


def sequential_members(
    args: argparse.Namespace, noisy: FaceArrays, cfg: TrainConfig, device: torch.device, exclude: np.ndarray | None
) -> tuple[list[np.ndarray], list[dict[str, Any]], float]:
    """The members' cross-fits one after another in this process (or, as a child, one fold of one member)."""
    members: list[np.ndarray] = []
    metrics: list[dict[str, Any]] = []
    seconds, last = 0.0, [0.0]
    for member in [args.member] if args.part else range(args.repeats):
        only = None if args.only_fold is None else [args.only_fold]
        out = cross_fit_probs(noisy, cfg, folds=args.folds, device=device, seed=member_seed(args, member),
                              tta_flip=not args.no_tta, only_folds=only, exclude=exclude,
                              progress=lambda point: print_progress(point, last))  # fmt: skip
        if args.part:
            write_part(args.part, out, member)
        members.append(out.probs)
        metrics += [{"member": member, **m} for m in out.metrics()["fold_metrics"]]
        seconds += out.seconds
    return members, metrics, seconds


def load_saved(paths: list[Path]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The average probs of ``--save-probs`` files of the same faces and flips, their labels and their flips."""
    saved = [np.load(path) for path in paths]
    labels, flipped = saved[0]["labels"], saved[0]["flipped"]
    for path, one in zip(paths, saved, strict=True):
        if not (np.array_equal(one["labels"], labels) and np.array_equal(one["flipped"], flipped)):
            raise SystemExit(f"{path} holds other faces or other flips than {paths[0]}")
    return np.mean(np.stack([one["probs"] for one in saved]), axis=0), labels, flipped


def first_round_exclusion(args: argparse.Namespace, labels: np.ndarray, flipped: np.ndarray) -> np.ndarray | None:
    """bool [N]: the ``--exclude-top`` faces the ``--first-round`` runs rank most suspicious (by self-confidence)."""
    if not args.exclude_top:
        return None
    if not args.first_round:
        raise SystemExit("--exclude-top needs --first-round")
    probs, saved_labels, saved_flipped = load_saved(args.first_round)
    if not (np.array_equal(saved_labels, labels) and np.array_equal(saved_flipped, flipped)):
        raise SystemExit("--first-round files hold other faces or other flips than this run draws")
    order = np.argsort(label_scores(labels, probs)["self_confidence"], kind="stable")
    exclude = np.zeros(len(labels), dtype=bool)
    exclude[order[: args.exclude_top]] = True
    return exclude


def combine(ranking: Any, paths: list[Path]) -> dict[str, Any]:
    """The average of cross-fits saved by ``--save-probs`` on the same faces and flips, ranked like one run."""
    probs, labels, flipped = load_saved(paths)
    return {
        "command": " ".join(sys.argv), "combined": [str(path) for path in paths], "faces": len(labels),
        "flipped": len(flipped), "out_of_sample_accuracy_given": float((probs.argmax(1) == labels).mean()),
        "rankings": compare(ranking, labels, probs, flipped),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> dict[str, Any]:
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    ranking = load_ranking()
    if args.combine:
        combined = combine(ranking, args.combine)
        print(json.dumps(combined, indent=1))
        return combined
    faces = training_faces(args)
    num_classes = len(faces.class_names)
    labels, flipped = flip_labels(faces.labels, args.noise, num_classes, args.seed)
    noisy = FaceArrays(faces.images, labels, faces.splits, faces.names, faces.class_names)
    device = resolve_device(args.device)
    cfg = train_config(args, device)
    exclude = first_round_exclusion(args, labels, flipped)
    if args.parallel_folds:
        members, fold_metrics, seconds = parallel_folds(args, [a for a in argv if a != "--parallel-folds"])
    else:
        members, fold_metrics, seconds = sequential_members(args, noisy, cfg, device, exclude)
        if args.part:
            return {}
    probs = np.mean(np.stack(members), axis=0)  # the members' average: each one's rows are all out-of-sample
    predicted = probs.argmax(1)
    report: dict[str, Any] = {
        "command": " ".join(sys.argv),
        "faces": len(labels), "flipped": len(flipped), "noise": args.noise, "class_counts": faces.class_counts(),
        "config": cfg.to_dict(), "folds": args.folds, "repeats": args.repeats, "tta_flip": not args.no_tta,
        "parallel_folds": args.parallel_folds, "cross_fit_seconds": round(seconds, 1),
        "fold_seconds_sum": round(sum(m["seconds"] for m in fold_metrics), 1),
        "out_of_sample_accuracy_given": float((predicted == labels).mean()),
        "out_of_sample_accuracy_original": float((predicted == faces.labels).mean()),
        "fold_metrics": fold_metrics,
    }  # fmt: skip
    if exclude is not None:
        report["first_round"] = {"files": [str(path) for path in args.first_round], "excluded": int(exclude.sum()),
                                 "excluded_flipped": int(exclude[flipped].sum())}  # fmt: skip
    if len(flipped):
        report["rankings"] = compare(ranking, labels, probs, flipped)
        if args.repeats > 1:  # each member alone, by the baseline's order
            report["members_self_confidence"] = [
                ranking_metrics(np.argsort(label_scores(labels, one)["self_confidence"], kind="stable"), flipped)
                for one in members
            ]
    if args.save_probs:
        np.savez_compressed(args.save_probs, probs=probs, labels=labels, original=faces.labels, flipped=flipped,
                            names=np.array(faces.names))  # fmt: skip
    if args.contact_sheet:
        filter_by, ranked_by = (args.sheet_ranking or f"{ranking.FILTER_BY}:{ranking.RANKED_BY}").split(":")
        order, _, _ = ranking.rank_label_issues(labels, probs, ranked_by=ranked_by, filter_by=filter_by)
        write_sheet(args, faces, labels, probs, order, flipped, f"{filter_by}:{ranked_by}")
    text = json.dumps(report, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return report


if __name__ == "__main__":
    main()
