"""End to end: a generated corpus (real clips, camera journeys, copies, hard
negatives, broken files) through ingest into DuckDB."""

import json
import os
import shutil

import duckdb
import pytest

from vidfp.config import DecodeConfig, IngestConfig
from vidfp.corpus import build_corpus
from vidfp.encoders import get_encoder
from vidfp.pipeline import run_ingest

pytestmark = pytest.mark.slow

TABLES = {
    "videos": "SELECT video_id, uri, content_hash, size_bytes, duration_s, fps, width, height, n_frames, "
    "status, error, "
    "encoder, feature_key, shard_uri FROM videos ORDER BY video_id",
    "pair_scores": "SELECT * EXCLUDE (run_id) FROM pair_scores ORDER BY video_a, video_b",
    "matched_segments": "SELECT * FROM matched_segments ORDER BY ALL",
    "duplicate_clusters": "SELECT * FROM duplicate_clusters ORDER BY video_id",
}


def dump(db, tables=TABLES):
    """Every table's rows, by the queries in ``tables`` (name → SELECT)."""
    con = duckdb.connect(db, read_only=True)
    try:
        return {t: con.execute(q).fetchall() for t, q in tables.items()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    corpus = str(root / "corpus")
    truth = build_corpus(corpus, "demo", seed=0)
    db = str(root / "cat.duckdb")
    cfg = IngestConfig(decode=DecodeConfig(fps=4.0))
    summary = run_ingest(corpus, db, get_encoder("baseline"), cfg)
    return corpus, db, truth, cfg, summary


def names(db):
    con = duckdb.connect(db, read_only=True)
    try:
        files = con.execute("SELECT uri, video_id FROM files").fetchall()
        clusters = dict(con.execute("SELECT video_id, cluster_id FROM duplicate_clusters").fetchall())
        status = {v: (s, e) for v, s, e in con.execute("SELECT video_id, status, error FROM videos").fetchall()}
        segs = con.execute("SELECT * FROM matched_segments").fetchall()
    finally:
        con.close()
    vid = {os.path.basename(u): v for u, v in files}
    return vid, clusters, status, segs


def test_copies_cluster_and_distractors_stay_apart(ingested):
    corpus, db, truth, _, _ = ingested
    vid, clusters, _, _ = names(db)
    easy = {"reencode", "subclip", "speed", "none", "natural_distortion"}
    for group, members in truth["groups"].items():
        core = [m for m in members if truth["videos"][m]["transform"] in easy]
        assert len({clusters[vid[m]] for m in core}) == 1, (group, core)
    for f, meta in truth["videos"].items():
        if meta["role"] in ("hard_negative", "distractor"):
            cid = clusters[vid[f]]
            mates = [g for g, c in clusters.items() if c == cid]
            assert not any(m in mates for g in truth["groups"].values() for m in (vid[x] for x in g)), f


def test_subclip_segment_within_one_second(ingested):
    _, db, truth, _, _ = ingested
    vid, _, _, segs = names(db)
    checked = 0
    for s in truth["segments"]:
        if not s["b"].endswith("__subclip.mp4"):
            continue
        a, b = vid[s["a"]], vid[s["b"]]
        want = (s["a_start_s"], s["a_end_s"], s["b_start_s"], s["b_end_s"])
        if a > b:
            a, b, want = b, a, (want[2], want[3], want[0], want[1])
        got = [g[3:7] for g in segs if g[0] == a and g[1] == b]
        assert got, s
        assert max(abs(x - y) for x, y in zip(got[0], want)) <= 1.0, (got, want)
        checked += 1
    assert checked >= 2


def test_bad_files_recorded_failed(ingested):
    _, db, truth, _, summary = ingested
    vid, _, status, _ = names(db)
    for f in truth["broken"]:
        st, err = status[vid[f]]
        assert st == "failed" and err, f
    assert status[vid["broken_empty.mp4"]][1] == "empty file (0 bytes)"
    assert "no video stream" in status[vid["broken_audio_only.mp4"]][1]
    assert summary["videos_failed"] == len(truth["broken"])
    assert any("ünï" in f for f in vid)  # unicode, quotes and spaces in names work


def test_second_ingest_changes_nothing(ingested):
    corpus, db, _, cfg, _ = ingested
    before = dump(db)
    s = run_ingest(corpus, db, get_encoder("baseline"), cfg)
    assert s["new"] == 0 and s["pairs"] == 0
    assert dump(db) == before


def test_same_folder_into_fresh_catalog_gives_same_rows(ingested, tmp_path):
    corpus, db, _, cfg, _ = ingested
    db2 = str(tmp_path / "again.duckdb")
    run_ingest(corpus, db2, get_encoder("baseline"), cfg, shards=db + ".shards")
    assert dump(db2) == dump(db)


def test_moved_file_keeps_its_id_and_deleted_is_missing(ingested, tmp_path):
    corpus, db, truth, cfg, _ = ingested
    work = tmp_path / "c"
    shutil.copytree(corpus, work)
    db2 = str(tmp_path / "m.duckdb")
    run_ingest(str(work), db2, get_encoder("baseline"), cfg)
    vid, _, _, _ = names(db2)
    os.rename(work / "bikes.mp4", work / "renamed bikes.mp4")
    os.remove(work / "bikes__reencode.mp4")
    s = run_ingest(str(work), db2, get_encoder("baseline"), cfg)
    vid2, clusters, status, _ = names(db2)
    assert vid2["renamed bikes.mp4"] == vid["bikes.mp4"] and s["new"] == 0
    assert status[vid["bikes__reencode.mp4"]][0] == "missing"
    assert vid["bikes__reencode.mp4"] not in clusters


def test_truth_file_written(ingested):
    corpus = ingested[0]
    t = json.load(open(os.path.join(corpus, "truth.json"), encoding="utf-8"))
    assert t["hard_negative_pairs"] and t["segments"]
