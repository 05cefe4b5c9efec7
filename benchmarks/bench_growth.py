"""Growth: ingest time at corpus size N and 2N (fresh catalogs, same machine, same run).

The candidate stage bounds the partners per video (``max_per_video``), so
scoring grows linearly and the whole ingest should too: the ratio
t(2N) / t(N) is ≈ 2 for linear growth and ≈ 4 for all-pairs growth.

    python benchmarks/bench_growth.py --corpus DIR [--fps 1]
"""

from __future__ import annotations

import argparse
import glob
import os
import tempfile
import time

from _timing import row

from vidfp.config import DecodeConfig, IngestConfig
from vidfp.encoders import get_encoder
from vidfp.pipeline.run import run_ingest


def timed_ingest(files: list[str], tmp: str, tag: str, fps: float) -> tuple[float, int]:
    src = os.path.join(tmp, tag)
    os.makedirs(src)
    for f in files:
        os.symlink(f, os.path.join(src, os.path.basename(f)))
    t0 = time.perf_counter()
    s = run_ingest(
        src, os.path.join(tmp, f"{tag}.duckdb"), get_encoder("baseline"), IngestConfig(decode=DecodeConfig(fps=fps))
    )
    return time.perf_counter() - t0, s["pairs"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--fps", type=float, default=1.0)
    args = ap.parse_args()
    files = sorted(
        f
        for f in glob.glob(os.path.join(os.path.abspath(args.corpus), "*"))
        if not f.endswith(".json") and "broken" not in os.path.basename(f)
    )
    half = files[::2]
    with tempfile.TemporaryDirectory() as tmp:
        t1, p1 = timed_ingest(half, tmp, "n", args.fps)
        t2, p2 = timed_ingest(files, tmp, "2n", args.fps)
    print("| videos | seconds | pairs scored | ratio vs N |")
    print("|---|---|---|---|")
    print(row(len(half), t1, p1, 1.0))
    print(row(len(files), t2, p2, t2 / t1))


if __name__ == "__main__":
    main()
