"""The ingest end to end with DINOv3 on CUDA, against the same ingest with the encoder on the CPU.

    python benchmarks/gpu_ingest_check.py --corpus DIR [--out DIR]

``DIR`` is a corpus such as the demo's (``vidfp demo`` builds ``vidfp-demo/corpus``).  Both runs
use ``vidfp.pipeline.run.run_ingest`` with the default configuration (decode processes, candidates,
scoring, clusters, DuckDB) and a randomly initialised DINOv3 ViT-S/16 (seeded: no weights can be
fetched on the build machines), once on ``cuda`` (bf16 autocast) and once on ``cpu`` (fp32).  What
it checks: the decode processes work while CUDA is initialised in the main process (they come from
a forkserver and never touch CUDA), the same videos succeed and fail with the same reasons, the
same pairs are scored, with fused scores within 0.02, and the duplicate groups agree.  Prints the
figures and both times; exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def ingest(corpus: str, db: str, device: str) -> tuple[dict, float]:
    import torch

    from vidfp.config import IngestConfig
    from vidfp.encoders.dinov3 import DINOv3Encoder
    from vidfp.pipeline.run import run_ingest

    torch.manual_seed(0)
    enc = DINOv3Encoder(random_init=True, model="vits16", device=device)
    t = time.perf_counter()
    summary = run_ingest(corpus, db, enc, IngestConfig())
    return summary, time.perf_counter() - t


def read(db: str) -> tuple[dict, dict, set]:
    """(uri → (status, reason), (a, b) → fused score, duplicate groups as frozensets of uris)."""
    import duckdb

    con = duckdb.connect(db, read_only=True)
    videos = {r[0]: (r[1], r[2]) for r in con.execute("SELECT video_id, status, error FROM videos").fetchall()}
    uri = dict(con.execute("SELECT video_id, uri FROM videos").fetchall())
    pairs = {
        tuple(sorted((uri[a], uri[b]))): s
        for a, b, s in con.execute("SELECT video_a, video_b, similarity FROM pair_scores").fetchall()
    }
    groups: dict = {}
    for vid, cid in con.execute("SELECT video_id, cluster_id FROM duplicate_clusters").fetchall():
        groups.setdefault(cid, set()).add(uri[vid])
    con.close()
    return {uri[v]: s for v, s in videos.items()}, pairs, {frozenset(g) for g in groups.values() if len(g) > 1}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", default=None, help="folder for the two catalogs (default: a temporary one)")
    ap.add_argument("--devices", nargs=2, default=["cuda", "cpu"], help=argparse.SUPPRESS)  # cpu cpu: try it here
    a = ap.parse_args()
    import torch

    if "cuda" in a.devices and not torch.cuda.is_available():
        print("no CUDA device: nothing to check")
        sys.exit(0)
    out = a.out or tempfile.mkdtemp()
    os.makedirs(out, exist_ok=True)
    runs = []
    for k, dev in enumerate(a.devices):
        db = os.path.join(out, f"{k}_{dev}.duckdb")
        summary, secs = ingest(a.corpus, db, dev)
        runs.append(read(db))
        print(f"{dev}: {secs:.1f} s, {summary}")
    (vg, pg, cg), (vc, pc, cc) = runs
    from benchmarks.gpu_check import FAILED as failed
    from benchmarks.gpu_check import check

    n_ok = sum(s == "ok" for s, _ in vg.values())
    check("videos and reasons equal", vg == vc, f"{n_ok} ok, {len(vg) - n_ok} failed")
    check("same pairs scored", set(pg) == set(pc), f"{len(pg)} and {len(pc)}")
    common = set(pg) & set(pc)
    diff = max((abs(pg[k] - pc[k]) for k in common), default=0.0)
    check("fused scores within 0.02", diff <= 0.02, f"largest difference {diff:.4f} over {len(common)} pairs")
    check("duplicate groups equal", cg == cc, f"{len(cg)} and {len(cc)} groups")
    print(f"{len(failed)} failed: {failed}" if failed else "all checks passed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
