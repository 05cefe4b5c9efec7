"""Encode: SSCD encoders against the weight-free baseline, ratios from one run.

Rows (frames/s of ``encode`` on uint8 frames at each encoder's input size,
best of ``--repeat`` rounds, the encoders interleaved within each round so
that load from other processes hits them alike):

- baseline encoder (144², weight-free): the reference, ratio 1;
- ``sscd-distilled`` and ``sscd`` encoders (their default size, 144², 6 regions × 2 orientations:
  the whole frame and five ⅔-side windows, each also mirrored);
- the raw model on whole frames only (one embedding per frame at that size): what
  one vector per frame would cost, i.e. the price of the regions and the
  exact mirror map is the ratio between the two rows.

    python benchmarks/bench_encode_sscd.py [--frames 64] [--repeat 3] [--threads N]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _timing import row

from vidfp.encoders.baseline import BaselineEncoder
from vidfp.encoders.sscd import MODELS, SSCDEncoder, get_session


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    base = BaselineEncoder()
    encs = {m: SSCDEncoder(m, threads=args.threads) for m in MODELS}
    s = next(iter(encs.values())).size
    xb = rng.integers(0, 255, (args.frames, 144, 144, 3), dtype=np.uint8)
    xs = rng.integers(0, 255, (args.frames, s, s, 3), dtype=np.uint8)
    jobs = {"baseline encoder (weight-free)": lambda: base.encode(xb)}
    for m, e in encs.items():
        jobs[f"vidfp SSCDEncoder.encode, {m}"] = lambda e=e: e.encode(xs)
        jobs[f"raw model, whole frame only, {m}"] = lambda e=e: e.embed(xs)
    for fn in jobs.values():  # warm-up: sessions, allocations
        fn()
    best = dict.fromkeys(jobs, float("inf"))
    for _ in range(args.repeat):
        for name, fn in jobs.items():
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    e0 = next(iter(encs.values()))
    sess = get_session(e0.path, e0.device, e0.threads)
    print(
        f"providers {sess.get_providers()}, intra-op threads {e0.threads}, {args.frames} frames, "
        f"SSCD input {s}², layout {e0.layout} ({len(e0.boxes)} regions × 2 orientations), baseline 144²"
    )
    print("| stage | frames/s | ratio vs baseline |")
    print("|---|---|---|")
    t_base = best["baseline encoder (weight-free)"]
    for name, t in best.items():
        print(row(name, args.frames / t, t_base / t))


if __name__ == "__main__":
    main()
