"""What segment refinement (vidfp.pipeline.refine) costs: a rescore of a catalog with and without it.

Copies the catalog, rescores every pair from the stored fingerprints (``kind="rescan"``) with the
catalog's settings and ``refine_fps`` = 0 or the default, interleaved in alternating order, best of
``--repeat``; prints both wall times, their ratio, and the refinement's own time (the
``refine_results`` call) as a share of the whole ingest time given with ``--ingest-s`` (e.g. the
``vidfp ingest`` time of the same corpus).  With ``--truth`` (family A only, like the tuning scripts)
it also prints the partial-copy segment IoU of both.

    python benchmarks/bench_refine.py --source A --db A.duckdb [--truth A/truth.json] [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _family_a import family_a_truth  # noqa: E402

import vidfp.pipeline.match as match  # noqa: E402
from vidfp.config import IngestConfig, ScoringConfig  # noqa: E402
from vidfp.pipeline.run import run_ingest  # noqa: E402
from vidfp.search.settings import make_encoder, read_settings  # noqa: E402

SPENT = {"refine_s": 0.0}


def _timed(fn):
    def wrapper(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            SPENT["refine_s"] += time.perf_counter() - t

    return wrapper


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", required=True, help="the corpus folder the catalog was made from")
    ap.add_argument("--db", required=True, help="a catalog (left unchanged)")
    ap.add_argument("--truth", help="family A's truth.json: also print partial-copy IoU")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--ingest-s", type=float, help="the corpus's ingest time, for the share")
    args = ap.parse_args()
    if args.truth:
        family_a_truth(args.truth)
    settings = read_settings(args.db)
    encoder = make_encoder(settings)
    match.refine_results = _timed(match.refine_results)
    best: dict[float, float] = {}
    refine_s, iou = float("inf"), {}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeat):
            order = (0.0, ScoringConfig.refine_fps) if r % 2 == 0 else (ScoringConfig.refine_fps, 0.0)
            for fps in order:
                db = os.path.join(tmp, f"r{r}_{fps:g}.duckdb")
                shutil.copy(args.db, db)
                scoring = dataclasses.replace(settings.scoring, refine_fps=fps)
                cfg = IngestConfig(decode=settings.decode, candidates=settings.candidates, scoring=scoring)
                SPENT["refine_s"] = 0.0
                t = time.perf_counter()
                run_ingest(
                    args.source, db, encoder, cfg, shards=os.path.join(tmp, f"shards_{r}_{fps:g}"), kind="rescan"
                )
                best[fps] = min(best.get(fps, float("inf")), time.perf_counter() - t)
                if fps:
                    refine_s = min(refine_s, SPENT["refine_s"])
                if args.truth and r == 0:
                    from vidfp.eval.report import evaluate_catalog

                    iou[fps] = evaluate_catalog(args.truth, db)["partial_segment_iou"]
    plain, refined = best[0.0], best[ScoringConfig.refine_fps]
    print(f"rescore without refinement: {plain:.1f} s; with refine_fps={ScoringConfig.refine_fps:g}: {refined:.1f} s")
    print(f"ratio {refined / plain:.3f}; refinement itself {refine_s:.2f} s (best of {args.repeat})")
    if args.ingest_s:
        print(f"share of a {args.ingest_s:.1f} s ingest: {refine_s / args.ingest_s:.3f}")
    for fps, v in sorted(iou.items()):
        print(f"partial-copy IoU at refine_fps={fps:g}: {v:.3f}")


if __name__ == "__main__":
    main()
