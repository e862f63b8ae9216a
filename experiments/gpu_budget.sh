#!/usr/bin/env bash
# The FER2013 table on the lent 2×H100 machine within one session's device budget. Restartable: run it again on
# the same warm machine and finished runs are skipped, unfinished ones resume from runs/<name>/last.pt.
set -uo pipefail
export PYTHONUNBUFFERED=1
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/out}; PLAN=experiments/plans/fer2013_budget.json; ARR=.cache/fer2013.npz
END=$((SECONDS + ${BUDGET:-560}))
runner() { local t=$((END - SECONDS)); [ $t -gt 5 ] || return 0; timeout $t python3 experiments/run_plan.py --plan $PLAN --arrays $ARR --runs runs "$@"; }
mkdir -p .cache runs
{ nvidia-smi --query-gpu=index,name --format=csv; python3 -c "import torch; print('torch', torch.__version__)"; } >> "$OUT/log.txt"
[ -f $ARR ] || python3 -c "from kdcore.data import read_faces; read_faces('.data/fer2013.tar.xz').save_npz('$ARR')"
if [ ! -f "runs/bench.done" ]; then
  runner --phase teacher --results "$OUT/teacher.jsonl" --gpus 1 --per-gpu 1 >> "$OUT/log.txt" 2>&1 &
  export CUDA_VISIBLE_DEVICES=0
  timeout 200 python3 benchmarks/train_throughput.py --data .data/fer2013.tar.xz --arrays $ARR --batch-size 256 \
      --workers 0,8 --json "$OUT/train_throughput.json" > "$OUT/train_throughput.log" 2>&1
  python3 -m kdcore benchmark --device cuda --batch-sizes 1,256,1024 > "$OUT/inference_gpu.txt" 2>&1
  unset CUDA_VISIBLE_DEVICES; touch runs/bench.done
  wait
fi
runner --phase teacher --results "$OUT/teacher.jsonl" --gpus 0 --per-gpu 1 >> "$OUT/log.txt" 2>&1
runner --phase students --results "$OUT/students.jsonl" --gpus 0,1 --per-gpu 6 >> "$OUT/log.txt" 2>&1
for m in b c; do python3 experiments/export_best.py --prefix ${m}_kd_ --out "$OUT/mini_resemotenet_$m.pt" >> "$OUT/log.txt" 2>&1; done
ls runs > "$OUT/runs.txt"
