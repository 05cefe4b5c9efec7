"""A copy pair the frame kNN does not propose is still scored, through the source both copy
(vidfp.index.closure), with the score it gets as a kNN candidate; without second hops it is lost."""

from dataclasses import replace

import duckdb
import numpy as np
import pytest

from vidfp.config import CandidateConfig, DecodeConfig, IngestConfig
from vidfp.encoders import get_encoder
from vidfp.eval.judged import file_video_ids
from vidfp.index.candidates import FaissKnnCandidates
from vidfp.pipeline import run_ingest

pytestmark = pytest.mark.slow


def corpus(src, source=True):
    from vidfp.corpus.media import write_video

    rng = np.random.default_rng(5)
    src.mkdir(parents=True, exist_ok=True)
    tex = rng.integers(0, 255, (16, 24, 3), dtype=np.uint8).repeat(4, 0).repeat(4, 1)
    frames = np.stack([np.roll(tex, 3 * t, axis=1) for t in range(48)])
    if source:
        write_video(str(src / "source.mp4"), frames, 12.0)
    write_video(str(src / "copy1.mp4"), frames[6:42], 12.0, crf=35)
    write_video(str(src / "copy2.mp4"), frames[2:40], 12.0, crf=30)
    other = rng.integers(0, 255, (16, 24, 3), dtype=np.uint8).repeat(4, 0).repeat(4, 1)
    write_video(str(src / "other.mp4"), np.stack([np.roll(other, -2 * t, axis=0) for t in range(48)]), 12.0)


def pairs(db):
    con = duckdb.connect(db, read_only=True)
    try:
        name = {v: n for n, v in file_video_ids(con).items()}
        rows = con.execute("SELECT video_a, video_b, similarity, is_duplicate, votes FROM pair_scores").fetchall()
    finally:
        con.close()
    return {frozenset((name[a], name[b])): (s, d, v) for a, b, s, d, v in rows}


CFG = IngestConfig(decode=DecodeConfig(fps=4.0))
COPIES = frozenset(("copy1.mp4", "copy2.mp4"))


def ingest_at_once(tmp_path):
    """(the corpus folder, the pairs of a catalog that ingested it in one run, that catalog)."""
    src = tmp_path / "src"
    corpus(src)
    full = str(tmp_path / "full.duckdb")
    run_ingest(str(src), full, get_encoder("baseline"), CFG)
    return src, pairs(full), full


def knn_without_the_copies_pair(monkeypatch, full):
    """From now on the frame kNN never proposes (copy1, copy2); ids are content ids, the same in
    every catalog of these files."""
    con = duckdb.connect(full, read_only=True)
    ids = file_video_ids(con)
    con.close()
    drop = tuple(sorted((ids["copy1.mp4"], ids["copy2.mp4"])))
    generate = FaissKnnCandidates.generate

    def without_copy_pair(self, records, flip=None):
        return [c for c in generate(self, records, flip) if (c.video_a, c.video_b) != drop]

    monkeypatch.setattr(FaissKnnCandidates, "generate", without_copy_pair)


def assert_same_pairs(got, ref):
    """The same pairs, each with the same similarity and duplicate flag."""
    assert got.keys() == ref.keys()
    for k in ref:
        assert got[k][0] == pytest.approx(ref[k][0], abs=1e-9) and got[k][1] == ref[k][1], k


def test_copies_missed_by_the_knn_are_paired_through_their_source(tmp_path, monkeypatch):
    src, ref, full = ingest_at_once(tmp_path)
    assert ref[COPIES][2] is not None  # a kNN candidate here, with its votes
    assert ref[frozenset(("source.mp4", "copy1.mp4"))][1] and ref[frozenset(("source.mp4", "copy2.mp4"))][1]

    knn_without_the_copies_pair(monkeypatch, full)
    hop = str(tmp_path / "hop.duckdb")
    run_ingest(str(src), hop, get_encoder("baseline"), CFG)
    got = pairs(hop)
    assert got[COPIES][2] is None  # proposed by the second hop: no frame votes
    assert_same_pairs(got, ref)  # every pair, the second hop's included, scored as with all kNN pairs

    none = str(tmp_path / "none.duckdb")
    no_hops = replace(CFG, candidates=replace(CandidateConfig(), second_hop_per_video=0))
    run_ingest(str(src), none, get_encoder("baseline"), no_hops)
    assert COPIES not in pairs(none)


def test_a_new_source_joins_two_stored_copies_in_an_incremental_run(tmp_path, monkeypatch):
    """The copies are ingested first (the kNN not pairing them), their source on a later night: that
    run scores the copies' pair through the source, and the catalog ends as one ingested at once."""
    src, ref, full = ingest_at_once(tmp_path)
    knn_without_the_copies_pair(monkeypatch, full)
    night = tmp_path / "night"
    corpus(night, source=False)
    db = str(tmp_path / "nightly.duckdb")
    run_ingest(str(night), db, get_encoder("baseline"), CFG)
    assert COPIES not in pairs(db)  # nothing joins them yet
    (night / "source.mp4").write_bytes((src / "source.mp4").read_bytes())
    run_ingest(str(night), db, get_encoder("baseline"), CFG)
    got = pairs(db)
    assert got[COPIES][2] is None  # scored through the new source, although neither copy is new
    assert_same_pairs(got, ref)
