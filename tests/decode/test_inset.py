"""Picture in picture: the inset is found exactly on real footage, and nothing else is cropped."""

import numpy as np
import pytest

from vidfp.corpus.media import clip_path, read_frames
from vidfp.corpus.transforms import TRANSFORMS, pip
from vidfp.decode.borders import resize_bilinear
from vidfp.decode.framing import frame_content
from vidfp.decode.inset import dense_windows, inset_box, longest_runs, quartile_above

S = 160


@pytest.fixture(scope="module")
def bikes():
    fr, fps = read_frames(clip_path("bikes"))
    return fr[:: max(1, int(fps / 2))], fps


@pytest.mark.parametrize("seed", range(4))
def test_longest_runs_equal_a_plain_loop(seed):
    rng = np.random.default_rng(seed)
    b = rng.random((12, 1 + 7 * seed)) < rng.uniform(0.2, 0.9)
    want = []
    for line in b:  # the definition, one element at a time
        best = run = 0
        for v in line:
            run = run + 1 if v else 0
            best = max(best, run)
        want.append(best)
    np.testing.assert_array_equal(longest_runs(b), want)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_inset_of_real_footage_is_found_exactly(bikes, seed):
    fr, fps = bikes
    v, _, _ = pip(fr, fps, np.random.default_rng(seed))
    sq = resize_bilinear(v, (S, S))
    box = inset_box(sq)
    assert box is not None
    y0, y1, x0, x1 = box
    assert abs((y1 - y0) - S / 2) <= 2 and abs((x1 - x0) - S / 2) <= 2  # the 50 % inset
    out, full = frame_content(sq, inset=True, fill=True)
    assert full == box
    src = resize_bilinear(fr, (S, S)).astype(int)
    assert np.abs(out.astype(int) - src).mean() < 15  # what is kept is the original
    assert np.abs(sq.astype(int) - src).mean() > 30  # what was there before was not


@pytest.mark.parametrize("name", ["reencode", "crop", "letterbox", "overlay", "grey", "blur_noise", "vertical"])
def test_no_inset_in_other_copies(bikes, name):
    fr, fps = bikes
    v, _, _ = TRANSFORMS[name](fr, fps, np.random.default_rng(0))
    assert inset_box(resize_bilinear(v, (S, S))) is None


def test_static_picture_and_short_videos_are_left_alone():
    still = np.repeat(resize_bilinear(read_frames(clip_path("bikes"))[0][:1], (S, S)), 8, axis=0)
    still[:, 40:120, 40:42] = 255  # a lasting rectangle drawn on a static picture
    still[:, 40:120, 118:120] = 255
    still[:, 40:42, 40:120] = 255
    still[:, 118:120, 40:120] = 255
    assert inset_box(still) is None  # persistent edges everywhere: no inset to tell
    assert inset_box(still[:3]) is None  # too few frames to call anything persistent


def test_a_window_at_the_frame_edge_is_not_an_inset(tmp_path):
    """The real carphone clip, written and decoded as the demo corpus does: a car window whose edge
    runs 1 px from the frame's border holds still while both sides change.  It is not taken (before
    the margin rule the window was cut out as an inset; an inset may now lie against one border, and
    the window's frame fails the rule that an inset's sides are edges along 80 % of their length)."""
    from vidfp.config import DecodeConfig
    from vidfp.corpus.media import write_video
    from vidfp.decode.reader import decode_video

    fr, fps = read_frames(clip_path("carphone_pristine"))
    path = str(tmp_path / "carphone.mp4")
    write_video(path, fr, fps, codec="libx264", crf=23)
    rec, _ = decode_video(path, "v", (144, 144), DecodeConfig(fps=4.0, blurred_fill=True, find_inset=True))
    assert rec.meta.get("content_box") is None


@pytest.mark.parametrize("t", [4, 5, 6, 7, 8, 13, 24, 40])
def test_quartile_above_equals_numpy_quantile(t):
    """The threshold test without sorting equals thresholding numpy's lower quartile, for frame counts
    whose quartile falls on a sample (t = 5, 13) and between two (every side of ½ of the gap)."""
    rng = np.random.default_rng(t)
    d = np.abs(rng.normal(4.0, 3.0, size=(t, 23, 31))).astype(np.float32)
    d[:, :3] = np.round(d[:, :3])  # ties at the threshold, as integer luma steps give
    for thr in (2.0, 3.0, 4.0, 5.5):
        np.testing.assert_array_equal(quartile_above(d, thr), np.quantile(d, 0.25, axis=0) > thr)


@pytest.mark.parametrize("seed", range(4))
def test_dense_windows_equal_a_plain_loop(seed):
    rng = np.random.default_rng(seed)
    b = rng.random((9, 5 + 11 * seed)) < rng.uniform(0.5, 0.97)
    for length in (0, 1, 4, 9, b.shape[1], b.shape[1] + 1):
        for frac in (0.5, 0.9, 1.0):
            want = [  # every window, counted one by one
                length <= 0
                or any(line[k : k + length].sum() >= np.ceil(frac * length) for k in range(len(line) - length + 1))
                for line in b
            ]
            np.testing.assert_array_equal(dense_windows(b, length, frac), want)


def test_an_inset_side_with_lone_dropouts_is_found(bikes):
    """Where the inset's content matches the backdrop the side's step vanishes; a side broken every
    20 px (no unbroken run as long as a line needs) is still a side (family A's bigbuckbunny__pip)."""
    fr, _ = bikes
    rng = np.random.default_rng(0)
    t = min(len(fr), 10)
    blobs = rng.integers(80, 180, size=(t, 4, 4, 3), dtype=np.uint8)
    v = resize_bilinear(blobs, (S, S))  # a smooth backdrop that changes every frame
    v[:, 40:120, 30:130] = resize_bilinear(fr[:t], (80, 100))
    v[:, 119, ::20] = v[:, 120, ::20]  # the bottom side's step is gone at every 20th column, in every frame
    y = v.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    step = np.quantile(np.abs(np.diff(y, axis=1)), 0.25, axis=0)[119, 30:130] > 4.0
    assert longest_runs(step[None])[0] < int(0.5 * 0.12**0.5 * S)  # no run long enough on its own
    assert inset_box(v) == (40, 120, 30, 130)
