"""Fuzz: a few hundred seeded random mutations of a valid video in one ingest.
No crash, no hang; every file ends up recorded (ok or failed with a reason)."""

import os

import duckdb
import numpy as np
import pytest

from vidfp.config import DecodeConfig, IngestConfig
from vidfp.corpus.media import write_video
from vidfp.encoders import get_encoder
from vidfp.pipeline import run_ingest

pytestmark = pytest.mark.slow

N_CASES = 240


def mutate(data: bytes, rng: np.random.Generator) -> bytes:
    b = bytearray(data)
    kind = int(rng.integers(0, 8))
    n = len(b)
    if kind == 0:  # flip random bytes anywhere
        for i in rng.integers(0, n, int(rng.integers(1, 50))):
            b[i] ^= int(rng.integers(1, 256))
    elif kind == 1:  # truncate at a random offset
        b = b[: int(rng.integers(0, n))]
    elif kind == 2:  # zero a random span (headers, atoms, slices)
        s = int(rng.integers(0, n))
        e = min(n, s + int(rng.integers(1, 4096)))
        b[s:e] = bytes(e - s)
    elif kind == 3:  # insert random garbage
        s = int(rng.integers(0, n))
        b[s:s] = rng.integers(0, 256, int(rng.integers(1, 2048)), dtype=np.uint8).tobytes()
    elif kind == 4:  # duplicate a chunk elsewhere
        s, e = sorted(int(x) for x in rng.integers(0, n, 2))
        pos = int(rng.integers(0, n))
        b[pos:pos] = b[s:e]
    elif kind == 5:  # corrupt the first 64 bytes (container header)
        b[:64] = rng.integers(0, 256, 64, dtype=np.uint8).tobytes()
    elif kind == 6:  # clobber 32-bit fields near the start (atom sizes)
        for _ in range(int(rng.integers(1, 8))):
            i = int(rng.integers(0, min(n - 4, 2048)))
            b[i : i + 4] = rng.integers(0, 256, 4, dtype=np.uint8).tobytes()
    else:  # shuffle blocks of the tail
        s = int(rng.integers(n // 4, n))
        tail = [b[i : i + 512] for i in range(s, n, 512)]
        rng.shuffle(tail)
        b = b[:s] + b"".join(tail)
    return bytes(b)


def test_fuzzed_videos_never_stop_the_run(tmp_path):
    src = tmp_path / "fuzz"
    src.mkdir()
    rng = np.random.default_rng(0)
    tex = rng.integers(0, 255, (12, 16, 3), dtype=np.uint8).repeat(4, 0).repeat(4, 1)
    frames = np.stack([np.roll(tex, 2 * t, axis=1) for t in range(24)])
    good = src / "good.mp4"
    write_video(str(good), frames, 12.0)
    data = good.read_bytes()
    for i in range(N_CASES):
        (src / f"case{i:03d}.mp4").write_bytes(mutate(data, rng))
    db = str(tmp_path / "cat.duckdb")
    cfg = IngestConfig(decode=DecodeConfig(fps=4.0, timeout_s=30.0))
    summary = run_ingest(str(src), db, get_encoder("baseline"), cfg)
    con = duckdb.connect(db, read_only=True)
    files = dict(con.execute("SELECT uri, video_id FROM files").fetchall())
    status = {v: (s, e) for v, s, e in con.execute("SELECT video_id, status, error FROM videos").fetchall()}
    con.close()
    assert len(files) == N_CASES + 1  # every file recorded ...
    assert all(files[str(src / f)] in status for f in os.listdir(src))  # ... with a video row
    failed = [e for s, e in status.values() if s == "failed"]
    assert all(e for e in failed)  # every failure says why
    assert status[files[str(good)]][0] == "ok"
    assert 0 < len(failed) < len(status)  # the mutations produce both outcomes
    assert summary["failed"] == len(failed)
