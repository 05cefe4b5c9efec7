"""Acceptance test of ``vidfp search`` (issue 14): a catalog that holds the sources, queried with
every copy (which it does not hold), on a corpus the tuning never saw.

    python benchmarks/search_heldout.py --out /tmp/heldout --family B            # builds family B
    python benchmarks/search_heldout.py --out /tmp/heldout --corpus /tmp/benchB  # an existing corpus
    python benchmarks/search_heldout.py --out /tmp/heldout --family A --seed 2 --encoder baseline

The catalog gets every file whose truth role is not a copy or a compilation (originals, hard
negatives, distractors; hard links into OUT/sources); each copy and compilation is a query.
Prints the metrics of vidfp.eval.queries (P@1, P@10, mAP, right moment at IoU ≥ 0.5, overall
and for the partial copies) and the time per query.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time


def main() -> None:
    from vidfp.config import DEFAULT_ENCODER

    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--corpus", help="an existing corpus folder with truth.json (else one is built under OUT)")
    ap.add_argument("--family", choices=["A", "B"], default="B")
    ap.add_argument("--scale", default="bench")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--fps", type=float, default=2.0)
    ap.add_argument("--encoder", default=DEFAULT_ENCODER)
    args = ap.parse_args()

    from vidfp.config import DecodeConfig, IngestConfig
    from vidfp.encoders import get_encoder
    from vidfp.eval.queries import evaluate_queries
    from vidfp.pipeline import run_ingest

    corpus = args.corpus or os.path.join(args.out, f"corpus{args.family}-s{args.seed}")
    if not os.path.exists(os.path.join(corpus, "truth.json")):
        if args.family == "B":
            from vidfp.corpus import build_family_b

            build_family_b(corpus, args.scale, seed=args.seed)
        else:
            from vidfp.corpus import build_corpus

            build_corpus(corpus, args.scale, seed=args.seed)
    truth = json.load(open(os.path.join(corpus, "truth.json"), encoding="utf-8"))
    queries_role = ("copy", "compilation")
    tag = f"{os.path.basename(os.path.normpath(corpus))}_{args.encoder}_fps{args.fps:g}"
    sources, db = os.path.join(args.out, f"sources_{tag}"), os.path.join(args.out, f"sources_{tag}.duckdb")
    if not os.path.exists(db):
        shutil.rmtree(sources, ignore_errors=True)
        os.makedirs(sources)
        for name, info in truth["videos"].items():
            if info["role"] not in queries_role:
                try:
                    os.link(os.path.join(corpus, name), os.path.join(sources, name))
                except OSError:
                    shutil.copyfile(os.path.join(corpus, name), os.path.join(sources, name))
        t = time.perf_counter()
        run_ingest(sources, db, get_encoder(args.encoder), IngestConfig(decode=DecodeConfig(fps=args.fps)))
        print(f"catalog of sources: {time.perf_counter() - t:.1f} s")
    queries = [os.path.join(corpus, n) for n, i in sorted(truth["videos"].items()) if i["role"] in queries_role]
    t = time.perf_counter()
    res = evaluate_queries(os.path.join(corpus, "truth.json"), db, queries)
    res["seconds_per_query"] = round((time.perf_counter() - t) / max(res["queries"], 1), 3)
    res.update(corpus=corpus, encoder=args.encoder, fps=args.fps)
    print(json.dumps(res, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
