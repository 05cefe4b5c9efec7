"""Page-load times of ``vidfp review`` on a synthetic catalog of 10,000 videos and 100,000 pairs.

    python benchmarks/bench_review.py --out /tmp/bench_review [--videos 10000 --pairs 100000]

The catalog is written through the library (schema, Catalog.store_pairs, cluster_catalog):
2,000 copy groups of 2–8 videos (every pair inside a group a duplicate), the rest of the
100,000 pairs random non-duplicates, one segment per duplicate pair.  One shard holds 64
videos (40 frames, the baseline's 34 regions × 96 dims) including the measured pair, so the
similarity matrix is recomputed from real Parquet.  The video files do not exist, so keyframes
are placeholders (their cost is measured apart: benchmarks/bench_thumbs.py).

Each page is fetched over HTTP from the app served by uvicorn on 127.0.0.1 (a fresh
connection per request); the first fetch (cold: settings read, DuckDB file opened) and the
median of 5 more are printed.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import time

import numpy as np


def build(out: str, n_videos: int, n_pairs: int, seed: int = 0) -> tuple[str, tuple[str, str], str]:
    from vidfp.pipeline.match import cluster_catalog
    from vidfp.records import FrameRecord
    from vidfp.similarity.scoring import PairResult, Segment
    from vidfp.store.catalog import Catalog
    from vidfp.store.shards import write_shard

    rng = np.random.default_rng(seed)
    os.makedirs(out, exist_ok=True)
    db = os.path.join(out, "synthetic.duckdb")
    for p in (db, db + ".wal"):
        if os.path.exists(p):
            os.remove(p)
    ids = [f"{i:016x}" for i in range(n_videos)]
    recs = []
    for v in ids[:64]:
        g = rng.normal(size=(40, 96)).astype(np.float32)
        r = rng.normal(size=(40, 34, 96)).astype(np.float32)
        recs.append(
            FrameRecord(
                v,
                np.arange(40) * 0.5,
                np.arange(40) * 15,
                global_vecs=g / np.linalg.norm(g, axis=1, keepdims=True),
                region_vecs=r / np.linalg.norm(r, axis=2, keepdims=True),
                centroids=np.full((40, 2), 0.5, np.float32),
                camera=np.zeros((40, 3), np.float32),
            )
        )
    shard = write_shard(recs, os.path.join(out, "synthetic.duckdb.shards"), "baseline-v2:g3:s144")
    videos = [
        {
            "video_id": v,
            "uri": f"/nonexistent/videos/clip_{k:05d}.mp4",
            "content_hash": v,
            "size_bytes": 10**6,
            "duration_s": 20.0,
            "fps": 25.0,
            "width": 640,
            "height": 360,
            "n_frames": 40,
            "status": "ok",
            "error": None,
            "encoder": "baseline",
            "model": "grid3-144px",
            "weights_sha": "none",
            "feature_key": "synthetic",
            "shard_uri": shard,
            "scored": True,
            "ingested_at": None,
            "run_id": "bench",
        }
        for k, v in enumerate(ids)
    ]
    files = [
        {"uri": v["uri"], "video_id": v["video_id"], "size_bytes": 10**6, "mtime": 0.0, "run_id": "bench"}
        for v in videos
    ]
    results: dict[tuple[str, str], PairResult] = {}
    k = 0
    for _ in range(2000):  # copy groups
        size = int(rng.integers(2, 9))
        group = ids[k : k + size]
        k += size
        for i in range(len(group)):
            for j in range(i + 1, len(group)):
                a, b = sorted((group[i], group[j]))
                s0 = float(rng.uniform(0, 10))
                results[(a, b)] = PairResult(
                    a,
                    b,
                    float(rng.uniform(0.7, 1.0)),
                    True,
                    0.9,
                    0.9,
                    0.9,
                    0.8,
                    0.7,
                    0.9,
                    0.95,
                    40,
                    0.95,
                    False,
                    False,
                    (Segment(s0, s0 + 10, 0.0, 10.0, 0.9),),
                )
    while len(results) < n_pairs:
        a, b = sorted(rng.choice(n_videos, 2, replace=False))
        key = (ids[a], ids[b])
        if key not in results:
            results[key] = PairResult(*key, float(rng.uniform(0, 0.6)), False, 0.3, 0.3, 0.5)
    with Catalog(db) as cat:
        cat.upsert(videos, files)
        cat.store_pairs(list(results.values()), {}, "bench", ids)
        cluster_catalog(cat)
        (n_pairs_db,) = cat.con.execute("SELECT count(*) FROM pair_scores").fetchone()
        (cid,) = cat.con.execute(
            "SELECT cluster_id FROM duplicate_clusters ORDER BY cluster_size DESC, cluster_id LIMIT 1"
        ).fetchone()
    print(f"synthetic catalog: {n_videos} videos, {n_pairs_db} pairs, {os.path.getsize(db) / 1e6:.1f} MB")
    return db, (ids[0], ids[1]), cid


def fetch(port: int, path: str) -> tuple[float, int, int]:
    t = time.perf_counter()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    c.close()
    return time.perf_counter() - t, r.status, len(body)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--videos", type=int, default=10_000)
    ap.add_argument("--pairs", type=int, default=100_000)
    ap.add_argument("--reuse", action="store_true", help="time the catalog a previous run built in OUT")
    args = ap.parse_args()
    t = time.perf_counter()
    if args.reuse:
        import duckdb

        db = os.path.join(args.out, "synthetic.duckdb")
        con = duckdb.connect(db, read_only=True)
        (cid,) = con.execute(
            "SELECT cluster_id FROM duplicate_clusters ORDER BY cluster_size DESC, cluster_id LIMIT 1"
        ).fetchone()
        con.close()
        a, b = f"{0:016x}", f"{1:016x}"
    else:
        db, (a, b), cid = build(args.out, args.videos, args.pairs)
        print(f"built in {time.perf_counter() - t:.1f} s")
    from vidfp.review.server import BackgroundServer

    pages = [
        ("cluster list, largest first", "/"),
        ("cluster list, most similar first", "/?sort=similarity"),
        ("cluster list, least certain first", "/?sort=weakest"),
        ("cluster list, page 30", "/?page=30"),
        ("partial copies", "/partial"),
        ("cluster page (largest)", f"/cluster/{cid}"),
        ("pair page", f"/pair/{a}/{b}"),
        ("video page", f"/video/{a}"),
        ("similarity matrix PNG", f"/plot/{a}/{b}/matrix.png"),
        ("timeline PNG (placeholder keyframes)", f"/plot/{a}/{b}/timeline.png"),
        ("keyframe (file missing: placeholder)", f"/thumb/{a}.jpg?t=5"),
    ]
    srv = BackgroundServer(db)
    with srv:
        print("| page | status | bytes | first (cold) s | median of 5 s |")
        print("|---|---|---|---|---|")
        for name, path in pages:
            cold, status, size = fetch(srv.port, path)
            warm = statistics.median(fetch(srv.port, path)[0] for _ in range(5))
            print(f"| {name} | {status} | {size} | {cold:.3f} | {warm:.3f} |")


if __name__ == "__main__":
    main()
