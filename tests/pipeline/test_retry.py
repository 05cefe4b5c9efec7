"""Transient failures are retried by the next ingest; a video that failed N times in a row is
left alone until a rescan; attempts, the last error and the decoder's note are kept in videos."""

import duckdb

from tests.conftest import write_test_video
from vidfp.config import DecodeConfig, IngestConfig
from vidfp.discover import VideoFile
from vidfp.encoders.baseline import BaselineEncoder
from vidfp.pipeline import run_ingest
from vidfp.pipeline.plan import plan_files

CFG = IngestConfig(decode=DecodeConfig(fps=4.0, timeout_s=60))


class FlakyEncoder(BaselineEncoder):
    """Encodes in the run's process (as a GPU encoder does) and fails its first ``fail`` calls."""

    runs_in_worker = False

    def __init__(self, fail: int):
        super().__init__()
        self.fail = fail

    def encode(self, pixels):
        if self.fail > 0:
            self.fail -= 1
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return super().encode(pixels)


def rows(db):
    con = duckdb.connect(db, read_only=True)
    try:
        q = "SELECT regexp_extract(uri, '[^/]*$'), status, attempts, error, last_error, run_id FROM videos ORDER BY 1"
        return {r[0]: r[1:] for r in con.execute(q).fetchall()}
    finally:
        con.close()


def test_transient_failure_is_retried_and_broken_file_left_alone_after_3(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    write_test_video(src / "a.mp4", n=30)
    (src / "broken.mp4").write_bytes(b"\x00" * 400)
    db = str(tmp_path / "c.duckdb")

    run_ingest(str(src), db, FlakyEncoder(fail=1), CFG)  # a.mp4 hits an out-of-memory error
    r = rows(db)
    assert r["a.mp4"][:2] == ("failed", 1) and "CUDA out of memory" in r["a.mp4"][2]
    assert r["broken.mp4"][:2] == ("failed", 1)

    run_ingest(str(src), db, FlakyEncoder(fail=0), CFG)  # the next ingest retries it: ok now
    r = rows(db)
    assert r["a.mp4"][:3] == ("ok", 0, None) and "CUDA out of memory" in r["a.mp4"][3]
    assert r["broken.mp4"][:2] == ("failed", 2)

    run_ingest(str(src), db, FlakyEncoder(fail=0), CFG)
    third = rows(db)["broken.mp4"]
    assert third[:2] == ("failed", 3)
    run_ingest(str(src), db, FlakyEncoder(fail=0), CFG)  # 3 in a row: left alone by ingests
    assert rows(db)["broken.mp4"] == third
    run_ingest(str(src), db, FlakyEncoder(fail=0), CFG, kind="rescan")  # a rescan retries it
    assert rows(db)["broken.mp4"][:2] == ("failed", 4)


def test_plan_retries_below_max_attempts_exactly():
    f = VideoFile(uri="/x.mp4", size_bytes=10, mtime=1.0, protocol="file")
    known = {"/x.mp4": ("v1", 10, 1.0)}
    for attempts, ingest_retries in [(None, True), (0, True), (1, True), (2, True), (3, False), (7, False)]:
        videos = {"v1": {"status": "failed", "content_hash": "ab" * 16, "feature_key": "k", "attempts": attempts}}
        assert plan_files([f], known, videos, "k", max_attempts=3)[0].needs_work is ingest_retries, attempts
        assert plan_files([f], known, videos, "k", max_attempts=3, retry_failed=True)[0].needs_work is True


def test_decode_note_reaches_the_catalog(tmp_path, monkeypatch):
    """What the decoder notes in FrameRecord.meta['decode_note'] is stored in videos.decode_note."""
    from vidfp.decode import reader

    src = tmp_path / "src"
    src.mkdir()
    write_test_video(src / "a.mp4", n=30)
    write_test_video(src / "b.mp4", n=20)
    real = reader.decode_video

    def noting(path, *args, **kwargs):
        rec, meta = real(path, *args, **kwargs)
        if path.endswith("a.mp4"):
            rec.meta["decode_note"] = "fell back to PyAV"
        return rec, meta

    monkeypatch.setattr(reader, "decode_video", noting)
    # decode in this process so the patched decoder runs (children would import their own)
    monkeypatch.setattr(
        "vidfp.pipeline.extract.run_isolated",
        lambda fn, jobs, workers, **limits: ((vid, True, fn(*args)) for vid, args in jobs),
    )
    db = str(tmp_path / "c.duckdb")
    run_ingest(str(src), db, FlakyEncoder(fail=0), IngestConfig(decode=DecodeConfig(fps=4.0), workers=1))
    con = duckdb.connect(db, read_only=True)
    notes = dict(con.execute("SELECT regexp_extract(uri, '[^/]*$'), decode_note FROM videos").fetchall())
    con.close()
    assert notes == {"a.mp4": "fell back to PyAV", "b.mp4": None}
