#!/usr/bin/env bash
# Keep a long GPU session alive across device calls (each call is at most 10 minutes):
#   experiments/background.sh start CMD...   start CMD in its own session (it outlives the call), log in runs/bg.log
#   experiments/background.sh wait SECONDS   follow the log until CMD ends or SECONDS pass; copy results to $OUT
# The machine must stay warm between calls (the next call within 30 s), or the runs are lost with it; on such a
# fresh machine ``wait`` says so and exits 3 at once instead of waiting out its SECONDS.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p runs
OUT=${OUT:-/tmp/out}
case "${1:-}" in
  start)
    shift
    rm -f runs/bg.done
    setsid nohup bash -c "$*; echo \$? > runs/bg.done" > runs/bg.log 2>&1 < /dev/null &
    echo "started: $*"
    ;;
  wait)
    if [ ! -f runs/bg.log ]; then  # a fresh machine: the one that ran CMD went back, and its runs with it
      echo "no background job on this machine: the machine that ran it was given back; start again" >&2; exit 3
    fi
    end=$((SECONDS + ${2:-540}))
    while [ ! -f runs/bg.done ] && [ $SECONDS -lt $end ]; do sleep 5; done
    tail -n 60 runs/bg.log
    [ -f runs/bg.done ] && echo "background job ended, rc $(cat runs/bg.done)" || echo "background job still running"
    nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader
    cp runs/*.jsonl runs/bg.log runs/*.pt runs/*.result.json runs/*.npz "$OUT"/ 2>/dev/null
    ls runs/*.pt "$OUT"/ 2>/dev/null | head -20
    ;;
  *) echo "usage: $0 start CMD... | wait SECONDS" >&2; exit 2 ;;
esac
