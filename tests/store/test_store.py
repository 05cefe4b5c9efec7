import os
import subprocess
import sys

import numpy as np
import pytest

from vidfp.records import FrameRecord
from vidfp.store.catalog import Catalog, EncoderMismatch
from vidfp.store.lock import CatalogBusy, CatalogLock
from vidfp.store.shards import clean_orphans, read_shard, write_shard


def _rec(vid, n, rng):
    return FrameRecord(vid, np.arange(n) * 0.5, np.arange(n) * 15).with_features(
        rng.normal(size=(n, 8)), rng.normal(size=(n, 9, 6)), rng.uniform(size=(n, 2))
    )


def test_shard_round_trip_and_atomic_names(tmp_path, rng):
    recs = [_rec("v1", 4, rng), _rec("v2", 7, rng)]
    uri = write_shard(recs, str(tmp_path / "shards"), "key")
    back = read_shard(uri)
    assert [r.video_id for r in back] == ["v1", "v2"]
    for a, b in zip(recs, back):
        for f in ("t_s", "frame_idx", "global_vecs", "region_vecs", "centroids"):
            np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
    assert read_shard(uri, {"v2"})[0].video_id == "v2"
    assert uri == write_shard(recs[::-1], str(tmp_path / "shards"), "key")  # same name on re-run
    assert sorted(os.listdir(tmp_path / "shards")) == [uri.rsplit("/", 1)[1]]  # no temp file, no manifest
    (tmp_path / "shards" / ".tmp-deadbeef").write_bytes(b"partial")
    assert clean_orphans(str(tmp_path / "shards")) == 1


def test_catalog_binds_names_with_quotes(tmp_path):
    name = 'it\'s a "video"; DROP TABLE videos; --ü.mp4'
    with Catalog(str(tmp_path / "c.duckdb")) as cat:
        cat.upsert(
            [{"video_id": "x", "uri": name, "status": "ok", "encoder": "baseline"}],
            [{"uri": name, "video_id": "x", "size_bytes": 1, "mtime": 1.0, "run_id": "r"}],
        )
        assert cat.videos()[0]["uri"] == name and name in cat.known_files()
        with pytest.raises(EncoderMismatch, match="ingest into a new catalog"):
            cat.check_encoder("dinov3", "k")


def test_second_writer_is_refused_cleanly(tmp_path):
    db = str(tmp_path / "c.duckdb")
    code = (
        f"from vidfp.store.lock import CatalogLock; import time\n"
        f"with CatalogLock({db!r}): print('held', flush=True); time.sleep(5)"
    )
    p = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        text=True,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    assert p.stdout.readline().strip() == "held"
    with pytest.raises(CatalogBusy, match="another vidfp run"):
        with CatalogLock(db, wait_s=0.2):
            pass
    p.wait()
    with CatalogLock(db, wait_s=0.2):  # released when the holder exits
        pass


def test_schema_file_in_sql_is_the_package_one():
    root = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    from vidfp.store.catalog import schema_sql

    assert open(os.path.join(root, "sql", "schema.sql")).read() == schema_sql()


def test_ingest_with_shards_on_an_fsspec_uri(tmp_path):
    """Shards may live on any fsspec filesystem (s3://, gs://, ...); memory:// stands in here."""
    import duckdb

    from tests.conftest import write_test_video
    from vidfp.config import DecodeConfig, IngestConfig
    from vidfp.encoders import get_encoder
    from vidfp.pipeline import run_ingest

    src = tmp_path / "src"
    src.mkdir()
    write_test_video(src / "a.mp4", n=60, fps=30, size=(96, 128))
    write_test_video(src / "b.mp4", n=60, fps=15, size=(48, 64))
    db = str(tmp_path / "cat.duckdb")
    run_ingest(
        str(src),
        db,
        get_encoder("baseline"),
        IngestConfig(decode=DecodeConfig(fps=4.0)),
        shards="memory://vidfp-test/shards",
    )
    con = duckdb.connect(db, read_only=True)
    uris = [u for (u,) in con.execute("SELECT shard_uri FROM videos WHERE status = 'ok'").fetchall()]
    n_pairs = con.execute("SELECT count(*) FROM pair_scores").fetchone()[0]
    con.close()
    assert len(uris) == 2 and all(u.startswith("memory://") and "vidfp-test/shards/part-" in u for u in uris)
    assert n_pairs == 1


def test_near_edges_are_the_stored_pairs_neither_duplicate_nor_partial_over_the_floor(tmp_path):
    """What the lone second hop reads (vidfp.index.closure.lone_links): the floor is bound, inclusive."""
    from vidfp.similarity.scoring import PairResult

    res = [
        PairResult("a", "b", 0.9, True, semantic=1.0),  # duplicate
        PairResult("a", "c", 0.7, False, semantic=0.9, is_partial=True),  # partial
        PairResult("a", "d", 0.5, False, semantic=0.4),  # at the floor
        PairResult("a", "e", 0.5, False, semantic=0.39),  # under it
    ]
    with Catalog(str(tmp_path / "c.duckdb")) as cat:
        cat.store_pairs(res, {}, "r1", ["a"])
        assert cat.near_edges(0.4) == [("a", "d", 0.5)]
        assert sorted(e[1] for e in cat.near_edges(0.3)) == ["d", "e"]
