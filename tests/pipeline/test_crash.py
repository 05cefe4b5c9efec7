"""Crash safety: `kill -9` an ingest at 20 seeded random moments inside its run (the test
checks that the kills did land mid-run); after each, a re-run must leave every table exactly
as one uninterrupted run does, with no temporary file left and the killed run marked 'crashed'."""

import os
import shutil
import signal
import subprocess
import sys
import time

import duckdb
import numpy as np
import pytest

from tests.pipeline.test_e2e import dump

pytestmark = pytest.mark.slow

TABLES = {
    "videos": "SELECT video_id, uri, content_hash, size_bytes, duration_s, fps, width, height, n_frames, status, "
    "error, encoder, model, weights_sha, feature_key, regexp_replace(shard_uri, '^.*/', '') AS shard, scored "
    "FROM videos ORDER BY video_id",
    "files": "SELECT uri, video_id, size_bytes, mtime FROM files ORDER BY uri",
    "pair_scores": "SELECT * EXCLUDE (run_id) FROM pair_scores ORDER BY video_a, video_b",
    "matched_segments": "SELECT * FROM matched_segments ORDER BY ALL",
    "duplicate_clusters": "SELECT * FROM duplicate_clusters ORDER BY video_id",
}
VIDFP = os.path.join(os.path.dirname(sys.executable), "vidfp")


def ingest_cmd(src, db):
    return [VIDFP, "ingest", str(src), "--db", str(db), "--engine", "local", "--fps", "4", "--workers", "2"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    src = tmp_path_factory.mktemp("crash") / "videos"
    src.mkdir()
    from vidfp.corpus.media import write_video

    rng = np.random.default_rng(0)
    for k in range(6):  # six different moving textures, two of them copied (re-encoded, sub-clip)
        tex = rng.integers(0, 255, (16, 24, 3), dtype=np.uint8).repeat(4, 0).repeat(4, 1)
        frames = np.stack([np.roll(tex, 3 * t, axis=1) for t in range(48)])
        write_video(str(src / f"v{k}.mp4"), frames, 12.0)
        if k < 2:
            write_video(str(src / f"v{k}_copy.mp4"), frames[6:42], 12.0, crf=35)
    (src / "broken.mp4").write_bytes(b"\x00" * 500)
    return src


def timed_run(cmd, private):
    """Run ``cmd``; return (seconds until its private catalog copy appeared, total seconds)."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t_in = None
    while p.poll() is None:
        if t_in is None and os.path.exists(private):
            t_in = time.monotonic() - t0
        time.sleep(0.01)
    assert p.returncode == 0 and t_in is not None
    return t_in, time.monotonic() - t0


def kill_inside_session(cmd, db, delay):
    """Start ``cmd``, wait until it is inside its writer session (<db>.writing exists), kill -9 it
    ``delay`` s later.  True when the kill landed inside the session (the private copy is left)."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    private = str(db) + ".writing"
    deadline = time.monotonic() + 120
    while not os.path.exists(private) and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(delay)
    alive = p.poll() is None
    try:
        os.killpg(p.pid, signal.SIGKILL)  # the run and its decode children, no clean-up of any kind
    except ProcessLookupError:
        pass
    p.wait()
    return alive and os.path.exists(private)


def test_kill_at_20_random_moments(corpus, tmp_path):
    ref_db = tmp_path / "ref.duckdb"
    t_in, t_full = timed_run(ingest_cmd(corpus, ref_db), str(ref_db) + ".writing")
    ref = dump(str(ref_db), TABLES)
    assert len(ref["videos"]) == 9 and ref["pair_scores"]
    # Kill moments: uniform over the writer session of the measured run.  A run faster than the
    # measured one may end before its moment; then that moment is halved and the run repeated on
    # a fresh catalog, so all 20 kills land inside a run (asserted, not assumed).
    rng = np.random.default_rng(1234)
    equal = after_publish = retries = 0
    for i in range(20):
        db = tmp_path / f"k{i}.duckdb"
        delay = float(rng.uniform(0, t_full - t_in))
        while not kill_inside_session(ingest_cmd(corpus, db), db, delay):
            retries += 1
            assert retries <= 30, "kills keep missing the runs"
            delay /= 2
            for p in (db, tmp_path / f"k{i}.duckdb.lock"):
                p.unlink(missing_ok=True)
            shutil.rmtree(tmp_path / f"k{i}.duckdb.shards", ignore_errors=True)
        published = db.exists()  # the killed run had published a first state
        after_publish += published
        subprocess.run(ingest_cmd(corpus, db), check=True, capture_output=True)
        equal += dump(str(db), TABLES) == ref
        shards = tmp_path / f"k{i}.duckdb.shards"
        assert not [f for f in os.listdir(shards) if f.startswith(".tmp-")]
        assert not os.path.exists(str(db) + ".writing")
        con = duckdb.connect(str(db), read_only=True)
        statuses = [s for (s,) in con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()]
        con.close()
        # the killed run is 'crashed' when it had published its 'running' row, else it left no row
        assert statuses == (["crashed", "ok"] if published else ["ok"]), statuses
    print(
        f"20 kills inside runs ({after_publish} after a first publish, {retries} repeated); "
        f"session {t_in:.1f}-{t_full:.1f} s"
    )
    assert equal == 20
    assert after_publish >= 5, after_publish


def test_concurrent_runs_wait_or_refuse(corpus, tmp_path):
    """Two ingests on one catalog: without --wait the second exits with a clear message and
    changes nothing; with --wait it runs after the first, which then finds no work."""
    db = tmp_path / "c.duckdb"
    first = subprocess.Popen(ingest_cmd(corpus, db), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = tmp_path / "c.duckdb.lock"
    t0 = time.monotonic()
    while not lock.exists() and time.monotonic() - t0 < 30:
        time.sleep(0.05)
    time.sleep(0.5)  # the first run is inside its lock now
    refused = subprocess.run(ingest_cmd(corpus, db), capture_output=True, text=True)
    waiting = subprocess.run(ingest_cmd(corpus, db) + ["--wait", "300"], capture_output=True, text=True)
    first.communicate(timeout=300)
    assert first.returncode == 0
    assert refused.returncode != 0 and "another vidfp run" in refused.stderr
    assert waiting.returncode == 0 and "0 newly fingerprinted" in waiting.stdout
    con = duckdb.connect(str(db), read_only=True)
    runs = con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()
    con.close()
    assert runs == [("ok",), ("ok",)]  # the refused run never started one
