"""End to end: vidfp ingest vs videohash on the same corpus — speed and accuracy.

videohash samples one frame per second (``frame_interval=1``); vidfp runs its
default configuration (the default encoder, 2 frames/s, framing on: what
``vidfp ingest DIR --db X`` does), or the encoder and rates given.  Both see every file of the corpus,
broken ones included.  vidfp's time is a whole ingest into a fresh catalog (scan, hash,
decode, encode, shards, candidates, scoring, clusters) with the local engine
(Prefect start-up is not a property of the algorithm; bench_rerun.py reports
it separately).  The ratio is videohash seconds / vidfp seconds.

    python benchmarks/bench_e2e.py [--corpus DIR] [--scale demo|bench] [--encoder NAME] [--fps 2]
"""

from __future__ import annotations

import argparse
import glob
import os
import tempfile
import time

from _timing import row
from peer_videohash import evaluate as vh_evaluate
from peer_videohash import hash_corpus

from vidfp.config import DEFAULT_ENCODER, DecodeConfig, IngestConfig
from vidfp.corpus import build_corpus
from vidfp.encoders import get_encoder
from vidfp.eval.report import evaluate_catalog
from vidfp.pipeline.run import run_ingest

KEYS = (
    "micro_ap",
    "copy_over_hard_negative",
    "cluster_precision",
    "cluster_recall",
    "hard_negatives_clustered",
    "broken_recorded",
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus")
    ap.add_argument("--scale", default="bench")
    ap.add_argument("--fps", type=float, nargs="+", default=[DecodeConfig().fps])
    ap.add_argument("--encoder", default=DEFAULT_ENCODER)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus or os.path.join(tmp, "corpus")
        if not args.corpus:
            build_corpus(corpus, args.scale)
        files = sorted(f for f in glob.glob(os.path.join(corpus, "*")) if not f.endswith(".json"))
        ours = {}
        for fps in args.fps:
            db = os.path.join(tmp, f"cat{fps:g}.duckdb")
            t0 = time.perf_counter()
            run_ingest(corpus, db, get_encoder(args.encoder), IngestConfig(decode=DecodeConfig(fps=fps)))
            ours[fps] = (time.perf_counter() - t0, evaluate_catalog(os.path.join(corpus, "truth.json"), db))
        hashes, errors, t_vh = hash_corpus(files)
        theirs = vh_evaluate(hashes, os.path.join(corpus, "truth.json"))
        theirs["broken_recorded"] = f"{len(errors)} raised"
    n = len(files)
    print(f"corpus: {n} files; vidfp: {args.encoder}, defaults otherwise, local engine; videohash 3.0.1 (1 frame/s)")
    print("| system | seconds | videos/min | speed-up vs videohash | " + " | ".join(KEYS) + " |")
    print("|---" * (4 + len(KEYS)) + "|")
    fmt = lambda d: [round(d[k], 3) if isinstance(d[k], float) else d[k] for k in KEYS]  # noqa: E731
    for fps, (t, res) in ours.items():
        print(row(f"vidfp, {fps:g} frames/s", t, 60 * n / t, t_vh / t, *fmt(res)))
    print(row("videohash", t_vh, 60 * n / t_vh, 1.0, *fmt(theirs)))


if __name__ == "__main__":
    main()
