"""Keyframes: the frame shown at the asked time, cached, and placeholders instead of errors."""

import io
import os

import numpy as np
from PIL import Image

from vidfp.corpus.media import write_video
from vidfp.thumbs import ThumbCache, grab_frames


def _grey_video(path, n=30, fps=10.0):
    """Frame k is flat grey 8·k: which frame was grabbed can be read off its mean."""
    frames = np.stack([np.full((48, 64, 3), 8 * k, np.uint8) for k in range(n)])
    write_video(str(path), frames, fps, crf=0)


def test_grab_frames_returns_the_frame_shown_at_each_time(tmp_path):
    p = tmp_path / "grey.mp4"
    _grey_video(p)
    frames = grab_frames(str(p), [0.0, 1.05, 2.0, 0.5, 99.0], 24)
    means = [float(f.mean()) / 8 for f in frames]
    np.testing.assert_allclose(means, [0, 10, 20, 5, 29], atol=0.6)  # past the end: the last frame
    assert frames[0].shape == (24, 32, 3)


def test_cache_and_placeholders(tmp_path):
    p = tmp_path / "grey.mp4"
    _grey_video(p)
    cache = ThumbCache(str(tmp_path / "thumbs"), height=24)
    ((jpg, real),) = cache.get("v1", str(p), [1.0])
    assert real and abs(np.asarray(Image.open(io.BytesIO(jpg))).mean() / 8 - 10) < 0.6
    cached = cache.path("v1", 1.0)
    assert os.path.isfile(cached) and open(cached, "rb").read() == jpg
    os.remove(p)  # the file vanishes: the cached keyframe still shows, new times get a placeholder
    (again, real2), (ph, real3) = cache.get("v1", str(p), [1.0, 2.0])
    assert again == jpg and real2 and not real3 and ph[:2] == b"\xff\xd8"
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00" * 4096)
    ((ph2, real4),) = cache.get("v2", str(bad), [0.0])
    assert not real4 and ph2 != ph  # says "cannot decode", not "file missing"
    assert not os.path.exists(cache.path("v2", 0.0))  # placeholders are not cached
