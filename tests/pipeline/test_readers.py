"""Readers are never locked out: while an ingest, a rescan or a verdict runs (another process),
a read-only DuckDB connection opened every 0.5 s works every time and sees a complete,
committed state (vidfp.store.snapshot)."""

import os
import shutil
import subprocess
import sys
import threading
import time

import duckdb
import numpy as np
import pytest

pytestmark = pytest.mark.slow

VIDFP = os.path.join(os.path.dirname(sys.executable), "vidfp")


def make_corpus(src, n=6, seed=0):
    from vidfp.corpus.media import write_video

    rng = np.random.default_rng(seed)
    src.mkdir(parents=True, exist_ok=True)
    for k in range(n):  # moving textures, the first two copied (re-encoded sub-clips)
        tex = rng.integers(0, 255, (16, 24, 3), dtype=np.uint8).repeat(4, 0).repeat(4, 1)
        frames = np.stack([np.roll(tex, 3 * t, axis=1) for t in range(48)])
        write_video(str(src / f"v{k}.mp4"), frames, 12.0)
        if k < 2:
            write_video(str(src / f"v{k}_copy.mp4"), frames[6:42], 12.0, crf=35)


class Reader(threading.Thread):
    """Open the catalog read-only every ``period`` s; record each result or error."""

    def __init__(self, db, period=0.5):
        super().__init__(daemon=True)
        self.db, self.period = db, period
        self.seen: list[tuple[int, int, str]] = []
        self.errors: list[str] = []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                con = duckdb.connect(self.db, read_only=True)
                try:
                    n_ok = con.execute("SELECT count(*) FROM videos WHERE status = 'ok'").fetchone()[0]
                    n_pairs = con.execute("SELECT count(*) FROM pair_scores").fetchone()[0]
                    last = con.execute("SELECT status FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()[0]
                finally:
                    con.close()
                self.seen.append((n_ok, n_pairs, last))
            except Exception as e:  # noqa: BLE001 - every failure is what the test counts
                self.errors.append(f"{type(e).__name__}: {e}")
            self.stop.wait(self.period)


def read_through(db, cmd, period=0.5):
    reader = Reader(str(db), period)
    reader.start()
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    time.sleep(period)  # one more read after the run
    reader.stop.set()
    reader.join()
    assert out.returncode == 0, out.stderr
    return reader


def test_readers_work_through_ingest_rescan_and_verdict(tmp_path):
    later, src = tmp_path / "later", tmp_path / "src"
    make_corpus(later)
    src.mkdir()
    for f in ("v0.mp4", "v0_copy.mp4"):
        shutil.move(later / f, src / f)
    db = tmp_path / "cat.duckdb"
    base = ["--db", str(db), "--engine", "local", "--fps", "4"]
    subprocess.run([VIDFP, "ingest", str(src)] + base, check=True, capture_output=True)  # a catalog to read
    for f in os.listdir(later):
        shutil.move(later / f, src / f)

    ingest = read_through(db, [VIDFP, "ingest", str(src)] + base)
    assert ingest.errors == [], ingest.errors[:3]
    assert len(ingest.seen) >= 4
    assert any(last == "running" for *_, last in ingest.seen)  # read while the run was going
    oks = [n for n, _, _ in ingest.seen]
    assert oks == sorted(oks) and oks[0] == 2 and oks[-1] == 8  # only committed states, in order

    rescan = read_through(db, [VIDFP, "rescan", str(src)] + base)
    assert rescan.errors == [], rescan.errors[:3]
    assert all(n == 8 for n, _, _ in rescan.seen)

    con = duckdb.connect(str(db), read_only=True)
    a, b = con.execute("SELECT video_a, video_b FROM pair_scores ORDER BY similarity LIMIT 1").fetchone()
    con.close()
    verdict = read_through(db, [VIDFP, "verdict", a, b, "duplicate", "--db", str(db)], period=0.05)
    assert verdict.errors == [], verdict.errors[:3]
    assert len(verdict.seen) >= 5
