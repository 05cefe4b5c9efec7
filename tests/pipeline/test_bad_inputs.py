"""Bad-input breadth in one run: codecs, 8K, rotation metadata, odd names, links, permissions.
Each file ends up recorded (ok, or failed with its reason) and the run goes on."""

import os

import av
import duckdb
import numpy as np
import pytest

from vidfp.config import DecodeConfig, IngestConfig
from vidfp.corpus.media import write_video
from vidfp.encoders import get_encoder
from vidfp.pipeline import run_ingest

pytestmark = pytest.mark.slow


def _frames(n=16, h=64, w=96, seed=0):
    rng = np.random.default_rng(seed)
    tex = rng.integers(0, 255, (h // 4, w // 4, 3), dtype=np.uint8).repeat(4, 0).repeat(4, 1)
    return np.stack([np.roll(tex, 2 * t, axis=1) for t in range(n)])


def _write_rotated(path, frames, fps):
    with av.open(str(path), "w") as out:
        s = out.add_stream("libx264", rate=int(fps))
        s.width, s.height, s.pix_fmt = frames.shape[2], frames.shape[1], "yuv420p"
        s.metadata["rotate"] = "90"
        for f in frames:
            for p in s.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(f), format="rgb24")):
                out.mux(p)
        for p in s.encode():
            out.mux(p)


def deny_opening(monkeypatch, name):
    """Make opening files called ``name`` raise EACCES in this process, as a file without read
    permission does for a user.  chmod 0 alone does not stop root (CI runs as root); the
    content hash, the first read of every file, runs here."""
    import errno

    import fsspec

    real = fsspec.open

    def opener(uri, *a, **k):
        if str(uri).endswith(name):
            raise PermissionError(errno.EACCES, "Permission denied", str(uri))
        return real(uri, *a, **k)

    monkeypatch.setattr(fsspec, "open", opener)


def test_every_bad_or_odd_input_is_recorded(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    ok_expected = {
        "vp9.webm": lambda p: write_video(str(p), _frames(seed=1), 12, codec="libvpx-vp9", crf=40),
        "hevc.mkv": lambda p: write_video(str(p), _frames(seed=2), 12, codec="libx265", crf=30),
        "mpeg4.avi": lambda p: write_video(str(p), _frames(seed=3), 12, codec="mpeg4"),
        "mjpeg.avi": lambda p: write_video(str(p), _frames(seed=4), 12, codec="mjpeg"),
        "8k.mp4": lambda p: write_video(str(p), np.repeat(np.repeat(_frames(3, 60, 80, seed=5), 72, 1), 96, 2), 2),
        "rotated.mp4": lambda p: _write_rotated(p, _frames(seed=6), 12),
        "vfr.mp4": lambda p: write_video(
            str(p), _frames(seed=7), 12, pts_s=np.cumsum(np.r_[0, np.random.default_rng(0).uniform(0.09, 0.3, 15)])
        ),
        "名前 ünï 'q' \"x\".mp4": lambda p: write_video(str(p), _frames(seed=8), 12),
    }
    for name, make in ok_expected.items():
        make(src / name)
    # a name that is not valid UTF-8 (bytes on disk), a truncated file, an image renamed .mp4
    bad_name = os.fsencode(str(src)) + b"/caf\xe9.mp4"
    write_video(bad_name.decode("utf-8", "surrogateescape"), _frames(seed=9), 12)
    data = (src / "vp9.webm").read_bytes()
    (src / "truncated.webm").write_bytes(data[: len(data) // 2])
    from PIL import Image

    Image.fromarray(_frames(1)[0]).save(src / "image.mp4", format="PNG")
    # a symlink loop, a dangling link, and an unreadable file
    os.symlink(src, src / "loop")
    os.symlink(src / "nowhere.mp4", src / "dangling.mp4")
    locked = src / "locked.mp4"
    write_video(str(locked), _frames(seed=10), 12)
    os.chmod(locked, 0)
    deny_opening(monkeypatch, "locked.mp4")
    db = str(tmp_path / "cat.duckdb")
    try:
        run_ingest(str(src), db, get_encoder("baseline"), IngestConfig(decode=DecodeConfig(fps=4.0, timeout_s=60)))
    finally:
        os.chmod(locked, 0o644)
    con = duckdb.connect(db, read_only=True)
    rows = con.execute(
        "SELECT f.uri, v.status, v.error, v.n_frames FROM files f JOIN videos v USING (video_id)"
    ).fetchall()
    con.close()
    by_name = {os.path.basename(u): (s, e, n) for u, s, e, n in rows}
    for name in ok_expected:
        assert by_name[name][0] == "ok", (name, by_name[name])
    assert by_name["8k.mp4"][2] == 3
    nonutf = [n for n in by_name if n.startswith("caf")]
    assert len(nonutf) == 1 and by_name[nonutf[0]][0] == "ok"  # stored with its bytes escaped, still decoded
    for name in ("truncated.webm", "image.mp4"):
        assert by_name[name][0] == "failed" and by_name[name][1], (name, by_name[name])
    assert by_name["locked.mp4"][0] == "failed" and "Permission denied" in by_name["locked.mp4"][1]
    # the loop is walked once at most: each real file appears under at most two paths (direct, via loop/)
    assert sum(1 for u, *_ in rows if u.endswith("vp9.webm")) <= 2
