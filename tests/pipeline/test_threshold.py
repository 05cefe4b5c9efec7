"""A run's --threshold applies to every stored pair, not only to pairs it scores: is_duplicate and
is_partial are re-derived from the stored similarity and coverage (as PairScorer sets them),
clusters follow, runs.config records the value, and the catalog equals one ingested afresh at
that threshold."""

import json
from dataclasses import replace

import duckdb
import pytest

from tests.pipeline.test_readers import make_corpus
from vidfp.cluster import clusters_from_edges
from vidfp.config import DecodeConfig, IngestConfig, ScoringConfig
from vidfp.encoders import get_encoder
from vidfp.pipeline import run_ingest

pytestmark = pytest.mark.slow

MIN_COV = ScoringConfig().min_coverage


def read(db):
    con = duckdb.connect(db, read_only=True)
    try:
        cur = con.execute("SELECT * EXCLUDE (run_id) FROM pair_scores ORDER BY video_a, video_b")
        names = [d[0] for d in cur.description]
        pairs = [dict(zip(names, r)) for r in cur.fetchall()]
        clusters = dict(con.execute("SELECT video_id, cluster_id FROM duplicate_clusters").fetchall())
        cfg = json.loads(con.execute("SELECT config FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()[0])
    finally:
        con.close()
    return pairs, clusters, cfg["scoring"]["duplicate_threshold"]


def cfg(threshold):
    return IngestConfig(decode=DecodeConfig(fps=4.0), scoring=replace(ScoringConfig(), duplicate_threshold=threshold))


def test_new_threshold_reaches_every_stored_pair(tmp_path):
    src = tmp_path / "src"
    make_corpus(src, n=3)
    db = str(tmp_path / "c.duckdb")
    run_ingest(str(src), db, get_encoder("baseline"), cfg(0.65))
    pairs, _, _ = read(db)
    sims = sorted(p["similarity"] for p in pairs)
    assert len(sims) >= 4 and sims[0] < sims[-1]
    mid = (sims[len(sims) // 2 - 1] + sims[len(sims) // 2]) / 2  # flips about half the pairs one way
    for t in (mid, min(1.0, sims[-1] + 0.001), max(0.0, sims[0] - 0.01), 0.65, mid):
        s = run_ingest(str(src), db, get_encoder("baseline"), cfg(t))
        assert s["pairs"] == 0  # nothing rescored: the threshold alone changed
        pairs, clusters, recorded = read(db)
        assert recorded == t
        edges = []
        for p in pairs:
            linked, full = p["similarity"] >= t, (1.0 if p["coverage"] is None else p["coverage"]) >= MIN_COV
            assert (p["is_duplicate"], p["is_partial"]) == (linked and full, linked and not full), (t, p)
            edges.append((p["video_a"], p["video_b"], linked and full, p["similarity"], linked and not full))
        assert clusters == clusters_from_edges(list(clusters), edges), t
    fresh = str(tmp_path / "fresh.duckdb")
    run_ingest(str(src), fresh, get_encoder("baseline"), cfg(mid))
    got, want = read(db), read(fresh)
    assert got[:2] == want[:2]
    flags = [p["is_duplicate"] or p["is_partial"] for p in pairs]
    assert any(flags) and not all(flags)  # the last threshold splits the pairs
