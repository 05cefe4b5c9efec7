"""A run's --threshold applies to every stored pair, not only to pairs it scores: is_duplicate is
re-derived from the stored similarity, clusters follow, and runs.config records the value.
Clusters are checked against connected components computed here by plain graph search."""

import json

import duckdb
import pytest

from tests.pipeline.test_readers import make_corpus
from vidfp.config import DecodeConfig, IngestConfig, ScoringConfig
from vidfp.encoders import get_encoder
from vidfp.pipeline import run_ingest

pytestmark = pytest.mark.slow


def components(videos, edges):
    """video → smallest id of its connected component (depth-first search)."""
    adj = {v: set() for v in videos}
    for a, b in edges:
        adj[a].add(b)
        adj[b].add(a)
    out = {}
    for v in sorted(videos):
        if v in out:
            continue
        stack, comp = [v], set()
        while stack:
            x = stack.pop()
            if x not in comp:
                comp.add(x)
                stack.extend(adj[x] - comp)
        for x in comp:
            out[x] = min(comp)
    return out


def read(db):
    con = duckdb.connect(db, read_only=True)
    try:
        pairs = con.execute("SELECT video_a, video_b, similarity, is_duplicate FROM pair_scores").fetchall()
        clusters = dict(con.execute("SELECT video_id, cluster_id FROM duplicate_clusters").fetchall())
        cfg = json.loads(con.execute("SELECT config FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()[0])
    finally:
        con.close()
    return pairs, clusters, cfg["scoring"]["duplicate_threshold"]


def cfg(threshold):
    from dataclasses import replace

    return IngestConfig(decode=DecodeConfig(fps=4.0), scoring=replace(ScoringConfig(), duplicate_threshold=threshold))


def test_new_threshold_reaches_every_stored_pair(tmp_path):
    src = tmp_path / "src"
    make_corpus(src, n=3)
    db = str(tmp_path / "c.duckdb")
    run_ingest(str(src), db, get_encoder("baseline"), cfg(0.55))
    pairs, _, _ = read(db)
    sims = sorted(s for *_, s, _ in pairs)
    assert len(sims) >= 4 and sims[0] < sims[-1]
    mid = (sims[len(sims) // 2 - 1] + sims[len(sims) // 2]) / 2  # flips about half the pairs one way
    for t in (mid, sims[-1] + 0.01, sims[0] - 0.01, 0.55):
        s = run_ingest(str(src), db, get_encoder("baseline"), cfg(t))
        assert s["pairs"] == 0  # nothing rescored: the threshold alone changed
        pairs, clusters, recorded = read(db)
        assert recorded == t
        assert all(dup == (sim >= t) for *_, sim, dup in pairs), t
        assert clusters == components(clusters, [(a, b) for a, b, sim, _ in pairs if sim >= t]), t
