"""Smaller operations rows: configurations that cannot work are refused up front, a --db in a
missing folder is refused, the encoder-mismatch advice works, runs record their kind, and
manifest.json stays complete when fingerprint batches write shards concurrently."""

import json
import os
import threading

import duckdb
import numpy as np
import pytest

from tests.conftest import write_test_video
from vidfp.cli import main
from vidfp.config import DecodeConfig, IngestConfig
from vidfp.discover import VideoFile
from vidfp.encoders import get_encoder
from vidfp.encoders.baseline import BaselineEncoder
from vidfp.pipeline import run_ingest
from vidfp.pipeline.plan import PlannedFile
from vidfp.pipeline.run import commit_fingerprints
from vidfp.records import FrameRecord
from vidfp.store.catalog import EncoderMismatch
from vidfp.store.shards import write_shard
from vidfp.store.writer import open_writer


@pytest.fixture
def src(tmp_path):
    d = tmp_path / "src"
    d.mkdir()
    write_test_video(d / "a.mp4", n=30)
    write_test_video(d / "b.mp4", n=20, fps=15)
    return d


@pytest.mark.parametrize(
    "flag",
    [
        ["--fps", "0"],
        ["--fps", "-1"],
        ["--fps", "nan"],
        ["--max-frames", "0"],
        ["--timeout", "0"],
        ["--threshold", "1.5"],
        ["--workers", "-1"],
        ["--max-missing-share", "2"],
        ["--max-attempts", "0"],
    ],
)
def test_unworkable_configuration_is_refused_before_any_file(src, tmp_path, capsys, flag):
    db = tmp_path / "c.duckdb"
    assert main(["ingest", str(src), "--db", str(db), "--engine", "local", *flag]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"vidfp: {flag[0]} ") and len(err.splitlines()) == 1, err
    assert sorted(os.listdir(tmp_path)) == ["src"]  # no catalog, no lock, no shards


def test_catalog_in_a_missing_folder_is_one_line(src, tmp_path, capsys):
    assert main(["ingest", str(src), "--db", str(tmp_path / "typo" / "c.duckdb"), "--engine", "local"]) == 2
    err = capsys.readouterr().err.strip()
    assert "does not exist" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "typo").exists()


class OtherEncoder(BaselineEncoder):
    name = "other"


def test_encoder_mismatch_advice_works_and_kinds_are_recorded(src, tmp_path):
    db = str(tmp_path / "c.duckdb")
    cfg = IngestConfig(decode=DecodeConfig(fps=4.0))
    run_ingest(str(src), db, get_encoder("baseline"), cfg)
    before = open(db, "rb").read()
    for kind in ("ingest", "rescan"):  # the same check refuses both
        with pytest.raises(EncoderMismatch) as e:
            run_ingest(str(src), db, OtherEncoder(), cfg, kind=kind)
        msg = str(e.value)
        assert "rescan" not in msg and "changed nothing" in msg
        assert open(db, "rb").read() == before
    advice = msg[msg.index("vidfp ingest") :].split()
    assert advice[:4] == ["vidfp", "ingest", "SOURCE", "--db"] and advice[-2:] == ["--encoder", "other"]
    s = run_ingest(str(src), str(tmp_path / "n.duckdb"), OtherEncoder(), cfg)  # what it advises works
    assert s["videos_ok"] == 2
    run_ingest(str(src), db, get_encoder("baseline"), cfg, kind="rescan")
    con = duckdb.connect(db, read_only=True)
    kinds = [k for (k,) in con.execute("SELECT kind FROM runs ORDER BY started_at").fetchall()]
    con.close()
    assert kinds == ["ingest", "rescan"]  # refused runs left no row


def test_manifest_lists_every_shard_of_concurrent_batches(tmp_path, rng):
    """12 batches write shards at once (as the Prefect thread runner does); the run's writer then
    derives manifest.json from the catalog: every shard, with its videos, is listed."""
    root = str(tmp_path / "c.duckdb.shards")
    recs = [
        FrameRecord(f"v{k:02d}", np.arange(3) * 0.5, np.arange(3)).with_features(
            rng.normal(size=(3, 8)), rng.normal(size=(3, 4, 6)), rng.uniform(size=(3, 2))
        )
        for k in range(12)
    ]
    uris: dict[str, str] = {}
    barrier = threading.Barrier(len(recs))

    def batch(r):
        barrier.wait()
        uris[r.video_id] = write_shard([r], root, "key")

    threads = [threading.Thread(target=batch, args=(r,)) for r in recs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    planned = [PlannedFile(VideoFile(f"/{r.video_id}.mp4", 1, 1.0, "file"), r.video_id, r.video_id, True) for r in recs]
    outcomes = {
        r.video_id: {"video_id": r.video_id, "status": "ok", "shard_uri": uris[r.video_id], "n_frames": 3} for r in recs
    }
    with open_writer(str(tmp_path / "c.duckdb")) as cat:
        commit_fingerprints(
            cat, planned, outcomes, get_encoder("baseline"), "fk", "run", {p.file.uri for p in planned}, root
        )
    manifest = json.load(open(os.path.join(root, "manifest.json")))
    assert manifest["shards"] == {
        uris[r.video_id].rsplit("/", 1)[1]: {
            "videos": [r.video_id],
            "rows": 3,
            "feature_key": "fk",
            "encoder": "baseline",
        }
        for r in recs
    }
