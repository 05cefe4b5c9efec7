"""From stored fingerprints to pair scores, segments and clusters.

Candidates come from all ok videos; only pairs touching a video whose pairs
are not yet stored (``videos.scored = false``) are scored, so an unchanged
corpus scores nothing and a new video is compared with everything.  A rescan
(``rescore=True``) rebuilds the index and rescores every pair, so a changed
scoring configuration reaches the whole catalog; stale pairs of the rescored
videos are dropped in the same transaction.  Scores,
segments and the ``scored`` flags commit in one transaction, so a crash
before it leaves the videos unscored and a re-run does the work again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Set as AbstractSet

from vidfp.cluster import clusters_from_edges
from vidfp.config import CandidateConfig, DecodeConfig, ScoringConfig
from vidfp.encoders.base import Encoder
from vidfp.index.candidates import Candidate, FaissKnnCandidates
from vidfp.index.closure import lone_links, second_hop_candidates
from vidfp.pipeline.refine import refine_results
from vidfp.pipeline.score_pool import score_pairs
from vidfp.records import FrameRecord
from vidfp.similarity.calibration import Calibration, background_calibration
from vidfp.similarity.scoring import PairResult, PairScorer
from vidfp.store.catalog import Catalog
from vidfp.store.shards import read_shard

log = logging.getLogger(__name__)


def load_records(rows: list[dict]) -> dict[str, FrameRecord]:
    """Read each needed shard once; attach duration for segment clipping."""
    by_shard: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        by_shard[r["shard_uri"]].add(r["video_id"])
    dur = {r["video_id"]: r["duration_s"] for r in rows}
    out: dict[str, FrameRecord] = {}
    for uri, vids in sorted(by_shard.items()):
        for rec in read_shard(uri, vids):
            rec.meta["duration_s"] = dur.get(rec.video_id)
            out[rec.video_id] = rec
    return out


def pairs_to_score(cands: list[Candidate], unscored: set[str]) -> list[Candidate]:
    return [c for c in cands if c.video_a in unscored or c.video_b in unscored]


def second_hop(
    stored_edges: list[tuple[str, str, bool, float, bool]],
    results: list[PairResult],
    todo: list[Candidate],
    unscored: set[str],
    videos: AbstractSet[str] | dict,
    per_video: int,
    stored_near: list[tuple[str, str, float]] | None = None,
    min_semantic: float | None = None,
) -> list[Candidate]:
    """Pairs of duplicates of a common video left unscored (vidfp.index.closure), over the duplicate
    edges just scored and the stored ones this run keeps (those touching no ``unscored`` video).
    ``stored_edges``: the catalog's pairs before this run (Catalog.pair_edges).  Only edges between
    ``videos`` (the catalog's ok videos, whose records are loaded) count: a stored pair of a video
    now missing or failed proposes nothing.  With ``min_semantic`` a video without a duplicate edge
    also takes the hop through its best partner (closure.lone_links) among the pairs just scored and
    ``stored_near`` (Catalog.near_edges, kept like the rest) whose semantic score reaches it."""

    def stays(a: str, b: str) -> bool:  # a stored pair this run keeps, between videos whose records are loaded
        return not (a in unscored or b in unscored) and a in videos and b in videos

    kept = [e for e in stored_edges if not (e[0] in unscored or e[1] in unscored)]
    edges = [(a, b, s) for a, b, dup, s, _ in stored_edges if dup and stays(a, b)]
    edges += [(r.video_a, r.video_b, r.similarity) for r in results if r.is_duplicate]
    if min_semantic is not None:
        near = [(a, b, s) for a, b, s in stored_near or [] if stays(a, b)]
        near += [
            (r.video_a, r.video_b, r.similarity)
            for r in results
            if not (r.is_duplicate or r.is_partial) and r.semantic >= min_semantic
        ]
        edges += lone_links(edges, near)
    done = {(c.video_a, c.video_b) for c in todo} | {(a, b) for a, b, *_ in kept}
    return second_hop_candidates(edges, done, unscored, per_video)


def match_and_score(
    catalog: Catalog,
    encoder: Encoder,
    cand_cfg: CandidateConfig,
    score_cfg: ScoringConfig,
    run_id: str,
    rescore: bool = False,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
    decode_cfg: DecodeConfig | None = None,
) -> int:
    """Score new candidate pairs (in ``workers`` forked processes when there are many: score_pool);
    returns the number of pairs scored.  With ``decode_cfg`` (the run's decoding), the ends of
    partial-copy segments are refined on frames decoded between the samples (pipeline.refine;
    ``score_cfg.refine_fps``)."""
    rows = catalog.videos(status="ok")
    if not rows:
        return 0
    unscored = {r["video_id"] for r in rows if rescore or not r["scored"]}
    if not unscored:
        log.info("no new videos: nothing to score")
        return 0
    records = load_records(rows)
    cal, moved = calibrate(catalog, encoder, records, run_id)
    if moved and len(unscored) < len(records):
        unscored = set(records)  # the background moved: every stored pair was scored on the old one
    cands = FaissKnnCandidates(cand_cfg).generate(list(records.values()), flip=encoder.flip)
    todo = pairs_to_score(cands, unscored)
    scorer = PairScorer(
        score_cfg,
        flip=encoder.flip,
        positions=encoder.region_positions(),
        calibration=cal,
    )
    results = score_pairs(records, todo, scorer, progress, workers)
    stored_edges = catalog.pair_edges()  # read once: the second hops and the refinement both need it
    lone = score_cfg.min_semantic if cand_cfg.lone_hop else None
    near = catalog.near_edges(lone) if lone is not None else None
    hop = second_hop(stored_edges, results, todo, unscored, records, cand_cfg.second_hop_per_video, near, lone)
    if hop:
        log.info("%d second-hop pairs (duplicates of a common video that the kNN did not pair)", len(hop))
        results = results + score_pairs(records, hop, scorer, progress, workers)
    if decode_cfg is not None and score_cfg.refine_fps > 0:
        stored = [(a, b) for a, b, dup, _, _ in stored_edges if dup]
        uris = {r["video_id"]: r["uri"] for r in rows}
        try:
            results = refine_results(
                results, records, uris, encoder, decode_cfg, score_cfg.refine_fps, max(workers, 1), stored
            )
        except Exception:  # refinement only sharpens ends: a failure keeps the sampled ones, never the run
            log.exception("segment refinement failed; partial copies keep their sampled ends")
    votes = {(c.video_a, c.video_b): c.votes for c in todo}  # second-hop pairs have none (NULL)
    catalog.store_pairs(results, votes, run_id, sorted(unscored))
    log.info("scored %d pairs (%d duplicates)", len(results), sum(r.is_duplicate for r in results))
    return len(results)


def _stored_calibration(catalog: Catalog, encoder: Encoder) -> Calibration | None:
    row = catalog.calibration(encoder.key())
    return Calibration(*row) if row is not None else None


def current_calibration(catalog: Catalog, encoder: Encoder) -> Calibration:
    """The calibration this catalog's pairs were scored with (the encoder's prior before any)."""
    return _stored_calibration(catalog, encoder) or Calibration(*encoder.calibration_prior)


def calibrate(
    catalog: Catalog, encoder: Encoder, records: dict[str, FrameRecord], run_id: str
) -> tuple[Calibration, bool]:
    """Measure the catalog's background; returns (the calibration to score with, whether it was (re)stored).

    The stored calibration is kept while a new measurement agrees with it (within a quarter
    spread), so a growing catalog does not rescore every night; a changed one means all pairs
    are rescored, so every stored score rests on one background.
    """
    old = _stored_calibration(catalog, encoder)
    new = background_calibration(records)
    if new is None:
        if old is not None:
            return old, False
        new = Calibration(*encoder.calibration_prior)
    if old is not None and (new.close_to(old) or new.source == "prior"):
        return old, False
    catalog.set_calibration(encoder.key(), new.center, new.scale, new.n_pairs, new.source, run_id)
    return new, True


def cluster_catalog(catalog: Catalog, score_cfg: ScoringConfig | None = None) -> dict[str, str]:
    """Duplicate clusters (vidfp.cluster) over the ok videos, with user verdicts.

    ``score_cfg``: the run's scoring configuration.  The duplicate/partial flags of *every*
    stored pair are first re-derived from its stored similarity and coverage under the run's
    ``duplicate_threshold`` and ``min_coverage`` (as PairScorer sets them), so a changed
    ``--threshold`` reaches pairs scored by earlier runs too; runs.config records it.  None
    keeps the stored flags (a verdict reclusters under the last run's settings)."""
    if score_cfg is not None:
        changed = catalog.apply_threshold(score_cfg.duplicate_threshold, score_cfg.min_coverage)
        if changed:
            log.info("threshold %.3f: flags changed on %d stored pairs", score_cfg.duplicate_threshold, changed)
    ok = [r["video_id"] for r in catalog.videos(status="ok")]
    clusters = clusters_from_edges(ok, catalog.pair_edges(), catalog.verdicts())
    catalog.replace_clusters(clusters)
    return clusters
