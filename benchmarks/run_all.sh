#!/usr/bin/env bash
# The whole performance suite, one machine, one run; every figure is a ratio
# measured against its reference in the same run.  About 12 min on 2 cores (2.5 of them building the corpus).
#   bash benchmarks/run_all.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-../.venv/bin/python}
OUT=${1:-$(mktemp -d)}
mkdir -p "$OUT"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m); $($PY -c 'import torch; print("CUDA" if torch.cuda.is_available() else "no GPU")')"
echo; echo "## decode";      $PY bench_decode.py --seconds 60
echo; echo "## encode";      $PY bench_encode.py --frames 64
echo; echo "## candidates";  $PY bench_candidates.py --max-n 1000000 --queries 2000
echo; echo "## scoring";     $PY bench_scoring.py
[ -f "$OUT/corpus/truth.json" ] || $PY -m vidfp.cli bench make "$OUT/corpus" --scale bench >/dev/null 2>&1
echo; echo "## end to end vs videohash (bench corpus)"; $PY bench_e2e.py --corpus "$OUT/corpus"
echo; echo "## growth";      $PY bench_growth.py --corpus "$OUT/corpus"
echo; echo "## unchanged re-run"; $PY bench_rerun.py --corpus "$OUT/corpus"
echo; echo "## decode job processes (reused, against one per job)"; $PY bench_jobs.py --corpus "$OUT/corpus"
