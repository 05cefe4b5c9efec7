"""Sweep the activity signal's numbers on family A only (``ScoringConfig.w_activity`` and ``activity_*``).

Every candidate pair of a family-A catalog is rescored from its stored fingerprints once per setting
(the catalog's calibration; nothing is decoded or written), and each setting prints the ablation's
criteria (``vidfp eval --ablation``): copy > hard negative, µAP over full copies, hard negatives
clustered, copy pairs missed, other pairs above the threshold.  The choice rule is the tuning
protocol's (README, "The validation protocol"): at most 2 % of the hard negatives clustered, then the
fewest copy pairs missed (cluster F1), then µAP, where settings within 0.002 of the best µAP count as
tied; among tied settings the middle of the range.  Like the other tuning scripts it refuses a
family B, C, D or R truth.

    python benchmarks/sweep_activity.py --truth A/truth.json --db A.duckdb [--quick]
    python benchmarks/sweep_activity.py ... --field w_activity --values 4 5 6 8
    python benchmarks/sweep_activity.py ... --field activity_level --values 0.005,0.015 0.01,0.03

The rows of this version's README ("What changed in this version") came from the groups below: the
trust, the variation ramp, the lags and the level floor, each varied with the others at their
defaults.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _family_a import family_a_truth  # noqa: E402

from vidfp.config import CandidateConfig, ScoringConfig  # noqa: E402
from vidfp.eval.ablation import _truth_sets, catalog_candidates, evaluate_variant  # noqa: E402
from vidfp.search.settings import make_encoder, read_settings  # noqa: E402
from vidfp.similarity.scoring import PairScorer  # noqa: E402

GRID: dict[str, list] = {
    "w_activity": [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0],
    "activity_cv": [(0.1, 0.3), (0.2, 0.4), (0.2, 0.5), (0.3, 0.6)],
    "activity_lags_s": [(0.5,), (1.0,), (2.0,), (0.5, 1.0), (1.0, 2.0)],
    "activity_level": [(0.0, 1e-9), (0.001, 0.003), (0.002, 0.006), (0.005, 0.015), (0.01, 0.03), (0.02, 0.06)],
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--truth", required=True)
    ap.add_argument("--db", required=True, help="a family-A catalog (read only)")
    ap.add_argument("--quick", action="store_true", help="only the trust and the level floor")
    ap.add_argument("--field", help="sweep this ScoringConfig field only, over --values")
    ap.add_argument("--values", nargs="+", default=[], help="numbers, or comma-separated tuples")
    a = ap.parse_args()
    grid = GRID
    if a.field:
        grid = {a.field: [tuple(map(float, v.split(","))) if "," in v else float(v) for v in a.values]}
    family_a_truth(a.truth)
    settings = read_settings(a.db)
    encoder = make_encoder(settings)
    records, cands, cal = catalog_candidates(a.db, encoder, CandidateConfig())
    ok, pos, hard, hosts = _truth_sets(a.truth, a.db)
    base = ScoringConfig()
    print(f"{len(cands)} candidate pairs; defaults: " + ", ".join(f"{k}={getattr(base, k)}" for k in GRID))
    print("| field | value | copy>hard | µAP | hard clustered | copies missed | other false |")
    print("|---|---|---|---|---|---|---|")
    for field, values in grid.items():
        if a.quick and field not in ("w_activity", "activity_level"):
            continue
        for v in values:
            cfg = dataclasses.replace(base, **{field: v})
            sc = PairScorer(cfg, flip=encoder.flip, positions=encoder.region_positions(), calibration=cal)
            scores, cover = {}, {}
            for c in cands:
                r = sc.score(records[c.video_a], records[c.video_b])
                scores[(r.video_a, r.video_b)], cover[(r.video_a, r.video_b)] = r.similarity, r.coverage
            m = evaluate_variant(scores, cfg.duplicate_threshold, ok, pos, hard, cover, cfg.min_coverage, hosts)
            print(
                f"| {field} | {v} | {m['copy>hard']:.3f} | {m['µAP']:.3f} | {m['hard clustered']} | "
                f"{m['copies missed']} | {m['other false']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
