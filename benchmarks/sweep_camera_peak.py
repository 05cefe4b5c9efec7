"""Sweep the camera signal's confidence floor (ScoringConfig.camera_min_peak) on family A only.

The camera signal votes with weight × (share of steps whose phase-correlation peak clears the
floor).  Too low a floor lets a still camera with moving subjects vote on noise (a sped-up copy of
the real ``bikes`` clip is then vetoed out of its group); too high a floor silences real pans.  For
each value the script copies a family-A catalog, rescores every pair from the stored fingerprints
(``kind="rescan"``: only the broken files are tried again) with the catalog's own other settings,
and prints the acceptance criteria of ``tune_family_a.py``.  Like it, it refuses a held-out family's
truth file (B, C, D or R).

    python benchmarks/sweep_camera_peak.py --source A --truth A/truth.json --db A.duckdb \
        [--values 0.05 0.1 0.2 0.3 0.4 0.5 0.6] [--field motion_min]

``--field`` sweeps another numeric ``ScoringConfig`` field the same way (the region-flow floor
``motion_min`` was swept so when segment refinement was added, and the camera's reliability floor
``camera_reliability_floor`` in the fifteenth round; README "Results").
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _family_a import family_a_truth  # noqa: E402

from vidfp.config import IngestConfig  # noqa: E402
from vidfp.eval.report import evaluate_catalog  # noqa: E402
from vidfp.pipeline.run import run_ingest  # noqa: E402
from vidfp.search.settings import make_encoder, read_settings  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", required=True, help="the family-A corpus folder the catalog was made from")
    ap.add_argument("--truth", required=True)
    ap.add_argument("--db", required=True, help="a family-A catalog (left unchanged)")
    ap.add_argument("--values", nargs="+", type=float, default=[0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    ap.add_argument(
        "--field", default="camera_min_peak", help="another numeric ScoringConfig field to sweep the same way"
    )
    args = ap.parse_args()
    family_a_truth(args.truth)
    settings = read_settings(args.db)
    encoder = make_encoder(settings)  # the catalog's own encoder, so its stored fingerprints are reused
    keys = ("micro_ap", "cluster_f1", "hard_negatives_clustered", "copy_over_hard_negative", "partial_segment_iou")
    print(f"| {args.field} | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    with tempfile.TemporaryDirectory() as tmp:
        for v in args.values:
            db = os.path.join(tmp, f"sweep_{v}.duckdb")
            shutil.copy(args.db, db)
            scoring = dataclasses.replace(settings.scoring, **{args.field: v})
            cfg = IngestConfig(decode=settings.decode, candidates=settings.candidates, scoring=scoring)
            # the copy reads the catalog's shards; anything it writes (a manifest) goes to tmp
            run_ingest(args.source, db, encoder, cfg, shards=os.path.join(tmp, f"shards_{v}"), kind="rescan")
            r = evaluate_catalog(args.truth, db)
            cells = [f"{r[k]:.3f}" if isinstance(r[k], float) else str(r[k]) for k in keys]
            print(f"| {v:g} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
