"""Run a plan of training/distillation runs in parallel across GPUs and collect their metrics.

Each run is a partial ``TrainConfig`` dict merged over the plan's ``defaults``; runs in one phase go in
parallel (``--per-gpu`` processes per GPU), phases go in order so students can distil from teachers trained
in an earlier phase (``"teachers": ["<run name>", ...]`` resolves to those runs' ``best.pt``). ``--phase a+b`` runs
the runs of phases ``a`` and ``b`` together, as one phase (a bigger machine fits an optional phase beside the core).

    python experiments/run_plan.py --plan experiments/plans/fer2013.json --phase teachers \
        --arrays .cache/fer2013.npz --runs runs --results $OUT/teachers.jsonl --gpus 0,1 --per-gpu 3

``--set KEY=VALUE`` (repeatable; dotted keys reach nested fields, VALUE is JSON or a plain string) overrides every
run's config, e.g. ``--set time_budget_s=480`` or, for a CPU smoke test, ``--set device=cpu --set input_size=48``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import time
import traceback
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Recursive dict merge: ``over`` wins, nested dicts merge."""
    out = dict(base)
    for key, value in over.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def parse_override(item: str) -> dict[str, Any]:
    """``"a.b=1"`` → ``{"a": {"b": 1}}``; the value is parsed as JSON when it is JSON, else kept as a string."""
    key, sep, raw = item.partition("=")
    if not sep or not key:
        raise SystemExit(f"--set {item!r}: expected KEY=VALUE")
    try:
        value: Any = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    for part in reversed(key.split(".")):
        value = {part: value}
    return value


def run_config(
    plan: dict[str, Any], run: dict[str, Any], runs_dir: Path, overrides: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The full TrainConfig dict for one run of the plan, with ``overrides`` (from ``--set``) on top."""
    cfg = merge(merge(plan.get("defaults", {}), run.get("config", {})), overrides or {})
    if run.get("teachers"):
        paths = [str(runs_dir / name / "best.pt") for name in run["teachers"]]
        cfg = merge(
            cfg,
            {
                "distill": merge(
                    plan.get("distill_defaults", {}), {**cfg.get("distill", {}), "teacher_checkpoints": paths}
                )
            },
        )
    return cfg


def _worker(name: str, cfg: dict[str, Any], arrays_path: str, out_dir: str, gpu: str, queue: Any) -> None:
    os.environ["CUDA_VISIBLE_DEVICES"] = gpu
    try:
        import torch

        from kdcore.config import TrainConfig
        from kdcore.data import FaceArrays
        from kdcore.train import fit

        torch.backends.cudnn.benchmark = True
        arrays = FaceArrays.load_npz(arrays_path)
        result = fit(TrainConfig.from_dict(cfg), arrays=arrays, out_dir=out_dir, resume=True)
        msg = {"name": name, "ok": True, "config": cfg, "metrics": result.metrics(), "history": result.history}
        (Path(out_dir) / "result.json").write_text(json.dumps(msg))
        queue.put(msg)
    except BaseException:
        queue.put({"name": name, "ok": False, "config": cfg, "error": traceback.format_exc()})


def summary(msg: dict[str, Any]) -> str:
    """Epochs, validation and (when evaluated) test accuracy of a finished run, for the log."""
    m = msg["metrics"]
    test = f" test={m['test']['accuracy']:.4f}" if m.get("test") else ""
    return f"epochs={m.get('epochs')} best={m['best_epoch']} val={m['val']['accuracy']:.4f}{test} {m['seconds']:.0f}s"


def run_phase(plan: dict[str, Any], phase: str, args: argparse.Namespace) -> None:
    """Run every run of ``phase`` (or of ``a+b``: both, together), at most ``per_gpu`` at a time on each GPU;
    append results as JSON lines."""
    phases = phase.split("+")
    runs = [r for r in plan["runs"] if r.get("phase") in phases and (not args.only or r["name"] in args.only)]
    done = [r for r in runs if (Path(args.runs) / r["name"] / "result.json").exists()]
    runs = [r for r in runs if r not in done]  # finished in an earlier call: resume picks up the rest
    print(f"phase {phase}: {len(done)} done earlier, {len(runs)} to run", flush=True)
    gpus = args.gpus.split(",")
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    active: dict[str, tuple[str, SpawnProcess]] = {}  # run name -> (gpu, its process)
    pending, started = list(runs), time.time()
    with open(args.results, "a") as out:
        while pending or active:
            while pending and len(active) < len(gpus) * args.per_gpu:
                run = pending.pop(0)
                busy = [g for g, _ in active.values()]
                gpu = min(gpus, key=busy.count)
                cfg = run_config(plan, run, Path(args.runs), args.overrides)
                proc = ctx.Process(
                    target=_worker, args=(run["name"], cfg, args.arrays, str(Path(args.runs) / run["name"]), gpu, queue)
                )
                proc.start()
                active[run["name"]] = (gpu, proc)
            msg = queue.get()
            gpu, proc = active.pop(msg["name"])
            proc.join()
            msg["wall_s"] = round(time.time() - started, 1)
            out.write(json.dumps(msg) + "\n")
            out.flush()
            status = summary(msg) if msg["ok"] else msg.get("error", "")[-400:]
            print(f"[{msg['wall_s']:7.1f}s] {msg['name']} on gpu{gpu}: {status}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plan", required=True)
    parser.add_argument("--phase", required=True, action="append")
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--arrays", required=True, help="FaceArrays .npz cache of the dataset")
    parser.add_argument("--runs", default="runs")
    parser.add_argument("--results", required=True)
    parser.add_argument("--gpus", default="0")
    parser.add_argument("--per-gpu", type=int, default=2)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override every run's config")
    args = parser.parse_args()
    args.overrides = {}
    for item in args.set:
        args.overrides = merge(args.overrides, parse_override(item))
    plan = json.loads(Path(args.plan).read_text())
    for phase in args.phase:
        run_phase(plan, phase, args)


if __name__ == "__main__":
    main()
