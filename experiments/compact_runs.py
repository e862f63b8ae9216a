"""Turn a stage's results (runs/PHASE.jsonl, one JSON line per run) into the compact JSON kept in docs/results/.

python experiments/compact_runs.py --results r9_screen.jsonl --plan experiments/plans/fer2013_r9.json \
    --machine "4x NVIDIA H100 ..." --command "experiments/background.sh start ..." --note "R9: ..." \
    --out docs/results/fer2013_r9_runs.json

Keeps each run's config and metrics whole and its per-epoch curves (PublicTest accuracy, training loss and accuracy)
rounded to 5 decimals; drops batch events. Runs come in the plan's order.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def compact_run(row: dict[str, Any], stage: str) -> dict[str, Any]:
    """One run as the docs keep it: config, metrics and the per-epoch curves."""
    epochs = [e for e in row["history"] if e.get("kind") == "epoch"]
    return {
        "name": row["name"],
        "stage": stage,
        "config": row["config"],
        "metrics": row["metrics"],
        "val_accuracy_by_epoch": [round(e["val_accuracy"], 5) for e in epochs],
        "train_loss_by_epoch": [round(e["loss"], 5) for e in epochs],
        "train_accuracy_by_epoch": [round(e["accuracy"], 5) for e in epochs],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", required=True, type=Path, help="a stage's runs/PHASE.jsonl")
    parser.add_argument("--plan", required=True, type=Path, help="the plan the stage ran (sets the runs' order)")
    parser.add_argument("--machine", required=True)
    parser.add_argument("--command", required=True)
    parser.add_argument("--note", required=True)
    parser.add_argument("--stage", help="stage name written on every run (default: the results file's stem)")
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args()
    order = [run["name"] for run in json.loads(args.plan.read_text())["runs"]]
    rows = [json.loads(line) for line in args.results.read_text().splitlines() if line.strip()]
    failed = [row["name"] for row in rows if not row.get("ok", True)]
    if failed:
        raise SystemExit(f"runs that failed (their error is in {args.results}): {', '.join(failed)}")
    rows.sort(key=lambda row: order.index(row["name"]) if row["name"] in order else len(order))
    stage = args.stage or args.results.stem
    doc = {
        "machine": args.machine,
        "command": args.command,
        "note": args.note,
        "runs": [compact_run(row, stage) for row in rows],
    }
    args.out.write_text(json.dumps(doc, separators=(",", ":")))
    print(f"{len(rows)} runs → {args.out}")


if __name__ == "__main__":
    main()
