#!/usr/bin/env bash
# Out-of-fold distillation on one machine, in the background (experiments/background.sh start ...):
#   TB1=520 TB2=900 GPUS=0,1,2,3 bash experiments/gpu_oof.sh      (R6, docs/results.md)
# 1. phase oof_teachers of the plan (each teacher trained without one fold of Training), TB1 seconds each;
# 2. their out-of-fold flip-TTA logits for every training face → runs/soft_targets_oof.npz;
# 3. phase oof_students (distilled from those targets, and the in-sample control), TB2 seconds each;
#    the validation-best Student B is exported as runs/mini_resemotenet_b_fer2013.pt.
# TB1/TB2 unset: the plan's own time_budget_s. Env PLAN, GPUS, TEACHERS_PER_GPU (2), STUDENTS_PER_GPU (3),
# SET (more overrides, see gpu_stage.sh), DEVICE (of the soft-target step, default cuda).
set -uo pipefail
cd "$(dirname "$0")/.."
export PLAN=${PLAN:-experiments/plans/fer2013_oof.json} GPUS=${GPUS:-0}
PER_GPU=${TEACHERS_PER_GPU:-2} SET="${SET:-} ${TB1:+time_budget_s=$TB1}" bash experiments/gpu_stage.sh oof_teachers
python3 experiments/soft_targets.py --arrays .cache/fer2013.npz --out-of-fold --out runs/soft_targets_oof.npz \
    --device "${DEVICE:-cuda}" --checkpoints runs/*_oof_f*/best.pt
PER_GPU=${STUDENTS_PER_GPU:-3} SET="${SET:-} ${TB2:+time_budget_s=$TB2}" EXPORT_PREFIX=b128_r6_ \
    bash experiments/gpu_stage.sh oof_students
