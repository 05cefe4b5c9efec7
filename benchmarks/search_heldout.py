"""Acceptance test of ``vidfp search`` (issue 14): a catalog that holds the sources, queried with
every copy (which it does not hold), on a corpus seed the tuning never saw.

    python benchmarks/search_heldout.py --out /tmp/heldout --seed 2 [--fps 2]

The catalog gets the originals, hard negatives and distractors of ``vidfp bench make --seed N``;
each copy (re-encode, crop, flip, speed, sub-clip, partial insert, ...) is a query.  Prints the
metrics of vidfp.eval.queries (P@1, P@10, mAP, right moment at IoU ≥ 0.5, overall and for the
partial copies) and the time per query.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--fps", type=float, default=2.0)
    ap.add_argument("--scale", default="bench")
    args = ap.parse_args()

    from vidfp.config import DecodeConfig, IngestConfig
    from vidfp.corpus import build_corpus
    from vidfp.encoders import get_encoder
    from vidfp.eval.queries import evaluate_queries
    from vidfp.pipeline import run_ingest

    corpus = os.path.join(args.out, "corpus")
    if not os.path.exists(os.path.join(corpus, "truth.json")):
        build_corpus(corpus, args.scale, seed=args.seed)
    truth = json.load(open(os.path.join(corpus, "truth.json"), encoding="utf-8"))
    sources = os.path.join(args.out, "sources")
    db = os.path.join(args.out, f"sources_fps{args.fps:g}.duckdb")
    if not os.path.exists(db):
        shutil.rmtree(sources, ignore_errors=True)
        os.makedirs(sources)
        for name, info in truth["videos"].items():
            if info["role"] != "copy":
                os.link(os.path.join(corpus, name), os.path.join(sources, name))
        t = time.perf_counter()
        run_ingest(sources, db, get_encoder("baseline"), IngestConfig(decode=DecodeConfig(fps=args.fps)))
        print(f"catalog of sources: {time.perf_counter() - t:.1f} s")
    queries = [os.path.join(corpus, n) for n, i in sorted(truth["videos"].items()) if i["role"] == "copy"]
    t = time.perf_counter()
    res = evaluate_queries(os.path.join(corpus, "truth.json"), db, queries)
    dt = time.perf_counter() - t
    res["seconds_per_query"] = round(dt / max(res["queries"], 1), 3)
    res["fps"], res["seed"] = args.fps, args.seed
    print(json.dumps(res, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
