"""Copy the validation-best run of each given prefix as an fp16 checkpoint (the model that ships).

python experiments/export_best.py --runs runs --prefix b_kd_ --out $OUT/mini_resemotenet_b.pt
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kdcore.checkpoint import load_checkpoint, save_checkpoint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", default="runs")
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    done = [p.parent for p in Path(args.runs).glob(f"{args.prefix}*/result.json")]
    if not done:
        raise SystemExit(f"no finished run starts with {args.prefix!r}")
    best = max(done, key=lambda d: json.loads((d / "result.json").read_text())["metrics"]["val"]["accuracy"])
    model, config, meta = load_checkpoint(best / "best.pt")
    save_checkpoint(args.out, model, config, {**meta, "run": best.name}, half=True)
    shutil.copy(best / "result.json", Path(args.out).with_suffix(".result.json"))
    print(f"{best.name} → {args.out}")


if __name__ == "__main__":
    main()
