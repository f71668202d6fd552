#!/bin/bash
# End to end: `python -m colorlab train` in memory against streamed (--stream, 0 or 1 worker),
# on this machine's CPU; prints each epoch's line, the wall time and the peak memory (max RSS).
#
#   flock /tmp/colorlab-cpu.lock bash benchmarks/stream_train.sh CIFAR10_JPG_FOLDER [WORKDIR]
#
# 32 px: 5,000 CIFAR-10 training JPEGs (the first 500 of each class, symlinked; every 10th held
# out), UNet base 16, depth 3, batch 64, 3 epochs, twice. 256 px: 80 photos of 640x480 made by
# benchmarks/stream_decode.py's make_photos, UNet base 64, depth 4 (the command's default
# model), batch 8, 1 epoch. Results: benchmarks/results/stream_train-cpu.md.
set -e
CIFAR=${1:?the folder of the CIFAR-10 JPEG copy, with train/<class>/*.jpg}
W=${2:-/tmp/colorlab-stream-train}
PY=${PY:-.venv/bin/python}
rm -rf "$W" && mkdir -p "$W/cifar5k" "$W/photos"
for c in "$CIFAR"/train/*; do
  n=$(basename "$c"); mkdir -p "$W/cifar5k/$n"
  ls "$c" | sort | head -500 | while read -r f; do ln -s "$(realpath "$c/$f")" "$W/cifar5k/$n/$f"; done
done
$PY -c "
import sys; sys.path.insert(0, 'benchmarks')
from pathlib import Path
import stream_decode as s
s.DISTINCT = 80
s.make_photos(Path('$W/photos'), (640, 480))
"
export COLORLAB_PROGRESS=text
run() {
  name=$1; shift
  /usr/bin/time -f "$name wall %e s, max RSS %M KB" $PY -m colorlab train "$@" --out "$W/run-$name" \
    2>&1 | grep -E "^epoch|wall|^streaming|^train:"
}
C32="--data $W/cifar5k --size 32 --depth 3 --base 16 --epochs 3 --batch-size 64"
for rep in 1 2; do
  run mem32 $C32
  run stream32-w0 $C32 --stream
  run stream32-w1 $C32 --stream --workers 1
done
P256="--data $W/photos --size 256 --depth 4 --base 64 --epochs 1 --batch-size 8"
run mem256 $P256
run stream256-w1 $P256 --stream --workers 1
