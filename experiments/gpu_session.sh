#!/usr/bin/env bash
# Runs on the lent GPU machine (python3 there holds torch). Usage: gpu_session.sh STAGE
#   stage1: smoke run, training-throughput benchmark on GPU 0 then scratch students; teachers on GPU 1
#   stage2: distilled students (3-teacher ensemble) on both GPUs, then the T/alpha study and single-teacher runs
#   stage3: inference benchmark on the GPU
# Every stage is restartable: finished runs are skipped, unfinished ones resume from runs/<name>/last.pt.
set -uo pipefail
export PYTHONUNBUFFERED=1
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/out}
PLAN=experiments/plans/fer2013.json
ARR=.cache/fer2013.npz
runner() { timeout "${BUDGET:-560}" python3 experiments/run_plan.py --plan $PLAN --arrays $ARR --runs runs "$@"; }
mkdir -p .cache runs
nvidia-smi --query-gpu=index,name,memory.total --format=csv >> "$OUT/log.txt"
python3 -c "import torch, torchvision; print('torch', torch.__version__, 'torchvision', torchvision.__version__)" >> "$OUT/log.txt"
[ -f $ARR ] || python3 -c "from kdcore.data import read_faces; read_faces('.data/fer2013.tar.xz').save_npz('$ARR')"
case "$1" in
stage1)
  runner --phase smoke --results "$OUT/smoke.jsonl" --gpus 0 --per-gpu 1 >> "$OUT/log.txt" 2>&1 || exit 1
  ( CUDA_VISIBLE_DEVICES=0 timeout 300 python3 benchmarks/train_throughput.py --data .data/fer2013.tar.xz --arrays $ARR \
      --json "$OUT/train_throughput.json" > "$OUT/train_throughput.log" 2>&1
    runner --phase scratch --results "$OUT/scratch.jsonl" --gpus 0 --per-gpu "${PER_GPU:-3}" >> "$OUT/log.txt" 2>&1 ) &
  runner --phase teachers --results "$OUT/teachers.jsonl" --gpus 1 --per-gpu 3 >> "$OUT/log.txt" 2>&1
  wait ;;
stage2)
  runner --phase distill --results "$OUT/distill.jsonl" --gpus 0,1 --per-gpu "${PER_GPU:-3}" >> "$OUT/log.txt" 2>&1
  runner --phase ta_study --phase single_teacher --results "$OUT/study.jsonl" --gpus 0,1 --per-gpu "${PER_GPU:-3}" >> "$OUT/log.txt" 2>&1 ;;
stage3)
  ONLY1=$(for m in a b c; do for s in 0 1 2; do echo --only ${m}_kd_s$s; done; done; for s in 0 1 2; do echo --only b_scratch_s$s; done)
  BUDGET=500 runner --phase distill --phase scratch $ONLY1 --results "$OUT/rest.jsonl" --gpus 1 --per-gpu 6 >> "$OUT/log.txt" 2>&1 &
  CUDA_VISIBLE_DEVICES=0 python3 -m kdcore benchmark --device cuda --batch-sizes 1,256,1024 > "$OUT/inference_gpu.txt" 2>&1
  CUDA_VISIBLE_DEVICES=0 timeout 200 python3 benchmarks/train_throughput.py --data .data/fer2013.tar.xz --arrays $ARR \
      --batch-size 256 --workers 8 --json "$OUT/train_throughput_256.json" > "$OUT/train_throughput_256.log" 2>&1
  BUDGET=260 runner --phase scratch --only c_scratch_s0 --only c_scratch_s1 --only c_scratch_s2 --results "$OUT/rest0.jsonl" \
      --gpus 0 --per-gpu 3 >> "$OUT/log.txt" 2>&1
  wait
  for m in b c; do python3 experiments/export_best.py --prefix ${m}_kd_ --out "$OUT/mini_resemotenet_$m.pt" >> "$OUT/log.txt" 2>&1; done ;;
esac
ls runs > "$OUT/runs.txt"
