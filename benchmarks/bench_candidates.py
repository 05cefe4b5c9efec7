"""Candidates: FAISS IVF vs brute-force (exact Flat) kNN, time ratio and neighbour recall.

Synthetic unit vectors shaped like vidfp's global descriptors (D = 96): videos
are random walks on the sphere, and every 10th video has a noisy copy, so
true neighbours exist.  For N database frames we time exact search (IndexFlatIP,
the brute force) and the IVF index vidfp uses above 200k frames, on the same
queries, and report recall@k of IVF against the exact neighbours and the
recall of the video *pairs* the two would propose.

    python benchmarks/bench_candidates.py [--max-n 1000000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _timing import row

from vidfp.index.candidates import build_index


def corpus(n: int, d: int = 96, per_video: int = 50, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    nv = n // per_video
    steps = rng.normal(size=(nv, per_video, d)).astype(np.float32) * 0.15
    base = rng.normal(size=(nv, 1, d)).astype(np.float32) + np.cumsum(steps, axis=1)
    copies = np.arange(0, nv, 10)
    base[copies[1:] - 1] = base[copies[:-1]] + rng.normal(size=(len(copies) - 1, per_video, d)).astype(np.float32) * 0.2
    x = base.reshape(-1, d)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return np.ascontiguousarray(x), np.repeat(np.arange(nv), per_video)


def pairs(ids: np.ndarray, owner: np.ndarray, qowner: np.ndarray) -> set[tuple[int, int]]:
    out = set()
    for q, row_ in zip(qowner, ids):
        for h in row_:
            if h >= 0 and owner[h] != q:
                out.add((min(q, owner[h]), max(q, owner[h])))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-n", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=5000)
    ap.add_argument("-k", type=int, default=20)
    args = ap.parse_args()
    print(
        "| frames N | queries | exact (Flat) s | IVF build s | IVF search s | search ratio Flat/IVF "
        "| recall@k | pair recall |"
    )
    print("|---|---|---|---|---|---|---|---|")
    n = 10_000
    while n <= args.max_n:
        x, owner = corpus(n)
        rng = np.random.default_rng(1)
        qi = np.sort(rng.choice(n, min(args.queries, n), replace=False))
        q = x[qi]
        flat = build_index(x, "flat", gpu=True)
        t0 = time.perf_counter()
        _, exact = flat.search(q, args.k)
        t_flat = time.perf_counter() - t0
        t0 = time.perf_counter()
        ivf = build_index(x, "ivf", gpu=True)
        t_build = time.perf_counter() - t0
        t0 = time.perf_counter()
        _, approx = ivf.search(q, args.k)
        t_ivf = time.perf_counter() - t0
        rec = np.mean([len(set(a) & set(e)) / args.k for a, e in zip(approx, exact)])
        pe, pa = pairs(exact, owner, owner[qi]), pairs(approx, owner, owner[qi])
        print(
            row(f"{n:,}", len(qi), t_flat, t_build, t_ivf, t_flat / t_ivf, float(rec), len(pe & pa) / max(len(pe), 1))
        )
        n *= 10


if __name__ == "__main__":
    main()
