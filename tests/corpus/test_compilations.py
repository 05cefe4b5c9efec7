"""Family A's compilations: each truth box says where its piece sits, on both sides."""

import numpy as np
import pytest

from vidfp.corpus.compilations import OUT_FPS, compile_pieces, pick_sources


def _numbered(n: int, fps: float, tag: int) -> tuple[np.ndarray, float]:
    """n frames whose pixels hold (tag, frame index // 256, frame index % 256): a frame names itself."""
    f = np.zeros((n, 8, 12, 3), np.uint8)
    f[..., 0] = tag
    f[..., 1] = np.arange(n)[:, None, None] // 256
    f[..., 2] = np.arange(n)[:, None, None] % 256
    return f, fps


@pytest.mark.parametrize("seed", range(3))
def test_boxes_name_the_frames_each_piece_shows(seed):
    sources = [_numbered(300, 25.0, 1), _numbered(180, 15.0, 2), _numbered(400, 30.0, 3)]
    frames, fps, boxes = compile_pieces(sources, np.random.default_rng(seed))
    assert fps == OUT_FPS and len(boxes) == 3
    assert boxes[-1][3] == pytest.approx(len(frames) / fps)
    for (src, sfps), (a0, a1, b0, b1), tag in zip(sources, boxes, (1, 2, 3), strict=True):
        assert 2.5 - 1e-9 <= b1 - b0 <= 5.0 + 1 / fps
        k = np.arange(round(b0 * fps), round(b1 * fps))  # the piece's frames in the compilation
        assert (frames[k, 0, 0, 0] == tag).all()
        shown = frames[k, 0, 0, 1].astype(int) * 256 + frames[k, 0, 0, 2]
        want = np.floor(a0 * sfps + 1e-6 + (k - k[0]) * sfps / fps).astype(int)  # source frame at a0 + offset
        np.testing.assert_array_equal(shown, want)  # the box's start, and the same speed on both sides
        assert a1 * sfps <= len(src) + 1e-6  # the piece stays inside its source


def test_sources_are_distinct_within_and_across_compilations():
    names = [f"v{i}" for i in range(11)]
    picks = pick_sources(names, 3, 3, np.random.default_rng(0))
    flat = [n for p in picks for n in p]
    assert len(picks) == 3 and len(set(flat)) == 9
