"""With and without the non-semantic signals: the hard-negative ablation.

Every candidate pair of a catalog is scored once with the default scorer; a
recording fusion keeps each pair's semantic score and its non-semantic parts
(score, weight[, confirm]; one per signal, in the order of ``SIGNALS``), so
variants that only change the fusion (semantic only, linear instead of
geometric, a signal switched off) are re-fused exactly
without rescoring.  For each variant we report what users care about on a
corpus with same-place-other-path negatives:

- ``copy>hard``: fraction of (copy pair, hard-negative pair) combinations
  ordered right (vidfp.eval.metrics.pair_ordering);
- ``µAP`` over the scored pairs the truth judges (full copies against the rest; a video that holds a
  part of a source, a partial host or a compilation, is judged with no one here: it holds pieces of
  its source's copies too);
- ``hard clustered``: hard-negative pairs that end in one cluster;
- ``copies missed``: copy pairs that end in different clusters;
- ``other false``: other judged non-copy pairs above the threshold.

Hosts stay in the clustering (their links and partial-copy relations act there as in a run).

Semantic-only is shown at the default threshold and at its best threshold
on this corpus (an oracle), so the comparison does not hinge on a threshold.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import duckdb

from vidfp.cluster import clusters_from_edges
from vidfp.config import CandidateConfig, ScoringConfig
from vidfp.encoders.base import Encoder
from vidfp.eval.judged import file_video_ids, judged_pairs
from vidfp.eval.metrics import micro_ap, pair_ordering
from vidfp.eval.truth import load_truth
from vidfp.index.candidates import Candidate, FaissKnnCandidates
from vidfp.pipeline.match import current_calibration, load_records
from vidfp.records import FrameRecord
from vidfp.similarity.calibration import Calibration
from vidfp.similarity.fusion import FUSIONS, Fusion
from vidfp.similarity.scoring import PairScorer
from vidfp.store.catalog import Catalog

Pair = tuple[str, str]
SIGNALS = ("deriv", "traj", "motion", "camera", "activity")


class RecordingFusion(Fusion):
    """Delegates to ``inner`` and remembers the last call's inputs."""

    def __init__(self, inner: Fusion):
        super().__init__(inner.alpha, inner.min_semantic)
        self.inner = inner
        self.last: tuple[float, list] = (0.0, [])

    def fuse(self, semantic, parts):
        self.last = (semantic, list(parts))
        return self.inner.fuse(semantic, parts)

    def combine(self, semantic, nonsemantic):
        return self.inner.combine(semantic, nonsemantic)


@dataclass(frozen=True)
class Variant:
    name: str
    fuse: Callable[[float, list], float]  # (semantic, parts) → fused
    threshold: float | None = None  # None: the corpus-best threshold (oracle)


def default_variants(cfg: ScoringConfig) -> list[Variant]:
    geo = FUSIONS[cfg.fusion](cfg.alpha, cfg.min_semantic)

    def without(sig: str):
        k = SIGNALS.index(sig)
        return lambda s, parts: geo.fuse(s, [p for i, p in enumerate(parts) if i != k])[1]

    lin = FUSIONS["linear"](0.5, cfg.min_semantic)
    return [
        Variant("semantic only", lambda s, parts: s, cfg.duplicate_threshold),
        Variant("semantic only (best threshold)", lambda s, parts: s, None),
        Variant(
            f"vidfp default ({cfg.fusion}, α={cfg.alpha})",
            lambda s, parts: geo.fuse(s, parts)[1],
            cfg.duplicate_threshold,
        ),
        Variant("linear fusion α=0.5 (best threshold)", lambda s, parts: lin.fuse(s, parts)[1], None),
        Variant("default without camera motion", without("camera"), cfg.duplicate_threshold),
        Variant("default without derivatives", without("deriv"), cfg.duplicate_threshold),
        Variant("default without region flow", without("motion"), cfg.duplicate_threshold),
        Variant("default without activity", without("activity"), cfg.duplicate_threshold),
    ]


def catalog_candidates(
    db: str, encoder: Encoder, cand: CandidateConfig
) -> tuple[dict[str, FrameRecord], list[Candidate], Calibration]:
    """(records of the catalog's ok videos, their candidate pairs, the catalog's stored calibration).

    The candidates are the frame kNN's plus every other pair the catalog holds, with 0 votes (the
    runs' second hops, vidfp.index.closure, and kNN pairs of earlier states of the catalog), so each
    pair the pipeline scored is scored again.  Every variant is judged on that one set of pairs,
    although a variant's own duplicate links would have made other second hops."""
    with Catalog(db, read_only=True) as cat:
        rows = cat.videos(status="ok")
        cal = current_calibration(cat, encoder)
        stored = {(a, b) for a, b, *_ in cat.pair_edges()}
    records = load_records(rows)
    return (
        records,
        with_stored_pairs(FaissKnnCandidates(cand).generate(list(records.values()), encoder.flip), stored, records),
        cal,
    )


def with_stored_pairs(
    cands: list[Candidate], stored: set[tuple[str, str]], videos: AbstractSet[str] | dict
) -> list[Candidate]:
    """``cands`` plus the ``stored`` pairs (a < b) of two ``videos`` that they lack, sorted, with 0 votes."""
    seen = {(c.video_a, c.video_b) for c in cands}
    return cands + [Candidate(a, b, 0.0) for a, b in sorted(stored - seen) if a in videos and b in videos]


def capture(
    db: str, encoder: Encoder, cand: CandidateConfig, cfg: ScoringConfig
) -> dict[Pair, tuple[float, list, float]]:
    """(semantic, parts, coverage) for every candidate pair of the catalog's ok videos, scored with the
    catalog's stored calibration, as the pipeline scores them."""
    records, cands, cal = catalog_candidates(db, encoder, cand)
    rec = RecordingFusion(FUSIONS[cfg.fusion](cfg.alpha, cfg.min_semantic))
    scorer = PairScorer(cfg, flip=encoder.flip, fusion=rec, positions=encoder.region_positions(), calibration=cal)
    out = {}
    for c in cands:
        rec.last = (0.0, [])  # a pair without any aligned path reports nothing
        r = scorer.score(records[c.video_a], records[c.video_b])
        out[(r.video_a, r.video_b)] = (*rec.last, r.coverage)
    return out


def _truth_sets(truth_path: str, db: str) -> tuple[list[str], frozenset[Pair], frozenset[Pair], frozenset[str]]:
    """(ok videos, whole-copy pairs, hard pairs, hosts): the report's rule (vidfp.eval.judged)."""
    truth = load_truth(truth_path)
    con = duckdb.connect(db, read_only=True)
    try:
        vid = file_video_ids(con)
        ok = [v for (v,) in con.execute("SELECT video_id FROM videos WHERE status = 'ok'").fetchall()]
    finally:
        con.close()
    jp = judged_pairs(truth, vid)
    return ok, jp.positives, jp.hard, jp.hosts


def evaluate_variant(
    scores: dict[Pair, float],
    thr: float,
    ok: list[str],
    pos: AbstractSet[Pair],
    hard: AbstractSet[Pair],
    cover: dict[Pair, float] | None = None,
    min_cov: float = 0.0,
    hosts: set[str] | frozenset[str] = frozenset(),
) -> dict:
    """One variant's row; pairs with a video of ``hosts`` cluster but are not judged."""
    cover = cover or {}
    judged = {p: s for p, s in scores.items() if not (p[0] in hosts or p[1] in hosts)}
    edges = [
        (a, b, s >= thr and cover.get((a, b), 1.0) >= min_cov, s, s >= thr and cover.get((a, b), 1.0) < min_cov)
        for (a, b), s in scores.items()
    ]
    clusters = clusters_from_edges(ok, edges)
    same = lambda p: clusters.get(p[0]) is not None and clusters.get(p[0]) == clusters.get(p[1])  # noqa: E731
    return {
        "copy>hard": pair_ordering(scores, pos, hard),
        "µAP": micro_ap(judged, pos),
        "threshold": thr,
        "hard clustered": sum(same(p) for p in hard),
        "copies missed": sum(not same(p) for p in pos),
        "other false": sum(1 for p, s in judged.items() if s >= thr and p not in pos and p not in hard),
    }


def ablation(
    truth_path: str,
    db: str,
    encoder: Encoder,
    cand: CandidateConfig | None = None,
    cfg: ScoringConfig | None = None,
    variants: list[Variant] | None = None,
) -> list[dict]:
    cand, cfg = cand or CandidateConfig(), cfg or ScoringConfig()
    cap = capture(db, encoder, cand, cfg)
    ok, pos, hard, hosts = _truth_sets(truth_path, db)
    rows = []
    cover = {p: c for p, (_, _, c) in cap.items()}
    for v in variants or default_variants(cfg):
        scores = {p: float(v.fuse(s, parts)) for p, (s, parts, _) in cap.items()}
        if v.threshold is not None:
            res = evaluate_variant(scores, v.threshold, ok, pos, hard, cover, cfg.min_coverage, hosts)
        else:  # oracle: the threshold with the fewest clustering errors on this corpus
            grid = [round(0.3 + 0.025 * k, 3) for k in range(27)]
            res = min(
                (evaluate_variant(scores, t, ok, pos, hard, cover, cfg.min_coverage, hosts) for t in grid),
                key=lambda r: (r["hard clustered"] + r["copies missed"] + r["other false"], -r["threshold"]),
            )
        rows.append({"variant": v.name, **res})
    return rows


def format_table(rows: list[dict]) -> str:
    cols = ["variant", "copy>hard", "µAP", "threshold", "hard clustered", "copies missed", "other false"]
    fmt = lambda x: f"{x:.3f}" if isinstance(x, float) else str(x)  # noqa: E731
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(fmt(r[c]) for c in cols) + " |" for r in rows]
    return "\n".join(lines)
