#!/usr/bin/env bash
# First call of a GPU session: training speed at input 64/96/128 and a resolution pilot on
# PublicTest. Usage on the lent machine: bash experiments/gpu_pilot.sh
set -uo pipefail
export PYTHONUNBUFFERED=1
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/out}; ARR=.cache/fer2013.npz
mkdir -p .cache runs
{ nvidia-smi --query-gpu=index,name --format=csv; python3 -c "import torch; print('torch', torch.__version__)"; } > "$OUT/log.txt"
[ -f $ARR ] || python3 -c "from kdcore.data import read_faces; read_faces('.data/fer2013.tar.xz').save_npz('$ARR')"
timeout 330 python3 benchmarks/train_speed.py --arrays $ARR --models resemotenet,mini_resemotenet_a --sizes 64,96,128 \
    --json "$OUT/train_speed.json" > "$OUT/train_speed.txt" 2>&1
timeout 250 python3 experiments/run_plan.py --plan experiments/plans/fer2013_pilot.json --arrays $ARR --runs runs \
    --phase pilot --results "$OUT/pilot.jsonl" --gpus 0 --per-gpu 3 >> "$OUT/log.txt" 2>&1
tail -5 "$OUT/train_speed.txt"; cat "$OUT/log.txt"
