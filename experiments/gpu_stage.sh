#!/usr/bin/env bash
# One stage of the long FER2013 plan, meant to run in the background (experiments/background.sh start ...):
#   bash experiments/gpu_stage.sh PHASE [PHASE ...]     e.g. stage_a_teacher stage_a_kd
# Env: PLAN (the plan file), GPUS (e.g. 0,1,2,3; default 0), PER_GPU (runs side by side per GPU), EXPORT_PREFIX,
#      SET (space-separated KEY=VALUE overrides of every run's config, passed to run_plan.py as --set).
# Results go to runs/PHASE.jsonl, with '+' spelled '_and_' ($OUT returns only names of letters, digits, '.', '_', '-').
# Starts CUDA MPS when the machine has it (concurrent runs then share the GPU's SMs instead of time-slicing) and stops
# it when the stage ends, so that a benchmark run after the stage does not run under it.
set -uo pipefail
export PYTHONUNBUFFERED=1
cd "$(dirname "$0")/.."
ARR=.cache/fer2013.npz; PLAN=${PLAN:-experiments/plans/fer2013_long.json}
mkdir -p .cache runs
[ -f $ARR ] || python3 -c "from kdcore.data import read_faces; read_faces('.data/fer2013.tar.xz').save_npz('$ARR')"
if [ -z "${NO_MPS:-}" ] && command -v nvidia-cuda-mps-control > /dev/null; then
  nvidia-cuda-mps-control -d && sleep 1
  if python3 -c "import torch; torch.ones(1, device='cuda').sum().item()"; then
    echo "MPS on"; trap 'echo quit | nvidia-cuda-mps-control; echo "MPS off"' EXIT
  else echo quit | nvidia-cuda-mps-control; echo "MPS failed, off"; fi
fi
SET_ARGS=(); for item in ${SET:-}; do SET_ARGS+=(--set "$item"); done
for phase in "$@"; do
  python3 experiments/run_plan.py --plan $PLAN --arrays $ARR --runs runs --phase "$phase" \
      --results "runs/${phase//+/_and_}.jsonl" --gpus ${GPUS:-0} --per-gpu ${PER_GPU:-4} "${SET_ARGS[@]}"
done
# The validation-best Student B of the stage, as the fp16 checkpoint that ships (when the stage trained any).
if [ -n "${EXPORT_PREFIX:-}" ]; then
  python3 experiments/export_best.py --runs runs --prefix "$EXPORT_PREFIX" --out "runs/mini_resemotenet_b_fer2013.pt"
fi
