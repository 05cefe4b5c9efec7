import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def write_test_video(path, n=40, fps=30.0, size=(48, 64), pts_s=None, codec="libx264"):
    """A video whose frame k has mean intensity 6·k (frames identifiable after decoding)."""
    from vidfp.corpus.media import write_video

    h, w = size
    yy, xx = np.mgrid[0:h, 0:w]
    frames = np.stack([np.clip(((xx + 3 * k) % w) * 2 + k * 3, 0, 255).astype(np.uint8) for k in range(n)])
    frames = np.repeat(frames[..., None], 3, axis=3)
    write_video(str(path), frames, fps, codec=codec, crf=10, pts_s=pts_s)
    return frames
