"""Letterbox removal: exact boxes on synthetic bars, dark scenes untouched."""

import numpy as np

from vidfp.decode.borders import content_box, remove_borders, resize_bilinear


def _content(t=4, h=60, w=80, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(40, 255, (t, h, w, 3), dtype=np.uint8)


def test_letterbox_and_pillarbox_boxes():
    c = _content()
    lb = np.zeros((4, 90, 80, 3), np.uint8)
    lb[:, 15:75] = c
    assert content_box(lb) == (15, 75, 0, 80)
    pb = np.zeros((4, 60, 120, 3), np.uint8)
    pb[:, :, 20:100] = c
    assert content_box(pb) == (0, 60, 20, 100)
    out, box = remove_borders(lb, fill=False)
    assert out.shape == lb.shape and box == (15, 75, 0, 80)
    assert out[:, :3].mean() > 40  # no black rows left


def test_dark_scene_and_thin_lines_are_kept():
    c = _content()
    c[:, :20] = 5  # dark top in the first frames only ...
    c[-1, :20] = 200  # ... but bright in the last
    assert content_box(c) == (0, 60, 0, 80)
    thin = _content()
    thin[:, :1] = 0  # a 1-row line (< 2 %) is codec noise, not a border
    assert content_box(thin) == (0, 60, 0, 80)
    dark = np.full((3, 60, 80, 3), 10, np.uint8)  # an all-dark video is not cropped to nothing
    assert content_box(dark) == (0, 60, 0, 80)


def test_bilinear_resize_matches_reference():
    rng = np.random.default_rng(1)
    f = rng.integers(0, 255, (2, 7, 9, 3), dtype=np.uint8)
    out = resize_bilinear(f, (11, 5))
    # slow per-pixel reference
    ref = np.zeros_like(out)
    for t in range(2):
        for i in range(11):
            for j in range(5):
                y = min(max((i + 0.5) * 7 / 11 - 0.5, 0), 6)
                x = min(max((j + 0.5) * 9 / 5 - 0.5, 0), 8)
                y0, x0 = int(np.floor(y)), int(np.floor(x))
                y1, x1 = min(y0 + 1, 6), min(x0 + 1, 8)
                a, b = y - y0, x - x0
                v = (
                    f[t, y0, x0] * (1 - a) * (1 - b)
                    + f[t, y0, x1] * (1 - a) * b
                    + f[t, y1, x0] * a * (1 - b)
                    + f[t, y1, x1] * a * b
                )
                ref[t, i, j] = np.clip(np.rint(v), 0, 255)
    assert np.abs(out.astype(int) - ref.astype(int)).max() <= 1
    assert np.array_equal(resize_bilinear(f, (7, 9)), f)


def _real_frames():
    from vidfp.corpus.media import clip_path, read_frames

    fr, _ = read_frames(clip_path("bigbuckbunny"))
    return fr[:: max(1, len(fr) // 12)]


def test_blurred_fill_of_a_vertical_repost_is_removed():
    """A 9:16 repost over a blurred copy: the box is the original's band, and the crop resized
    back to S×S is the original squashed to S×S (aspect ratio restored by the same step)."""
    from vidfp.corpus.transforms import vertical

    fr = _real_frames()
    v, _, _ = vertical(fr, 25.0, np.random.default_rng(0))
    s = 160
    sq, src = resize_bilinear(v, (s, s)), resize_bilinear(fr, (s, s))
    out, box = remove_borders(sq, fill=True)
    band = fr.shape[1] / v.shape[1] * s  # the original's rows in the squashed frame
    y0, y1, x0, x1 = box
    assert (x0, x1) == (0, s)
    assert abs(y0 - (s - band) / 2) <= 2 and abs(y1 - (s + band) / 2) <= 2
    assert np.abs(out.astype(int) - src.astype(int)).mean() < 12  # ≈ the original (blurrier)
    assert np.abs(sq.astype(int) - src.astype(int)).mean() > 40  # before: another picture
    # a caption drawn across part of the fill does not hide it
    cap = sq.copy()
    cap[:, 10:16, 30:70] = 255
    assert remove_borders(cap, fill=True)[1] == box
    # the original itself has no fill
    assert remove_borders(src, fill=True)[1] == (0, s, 0, s)


def test_one_flat_side_or_a_plain_picture_is_content():
    """A sky at the top only, or flat bands of unequal height, are content; so is a flat frame."""
    fr = resize_bilinear(_real_frames(), (160, 160))
    sky = fr.copy()
    sky[:, :50] = (120, 160, 220)  # a flat sky on one side only
    assert content_box(sky) == (0, 160, 0, 160)
    assert remove_borders(sky, fill=True)[1] == (0, 160, 0, 160)
    uneven = fr.copy()
    uneven[:, :50] = 90
    uneven[:, 150:] = 90  # 50 rows against 10: not a centred fill
    assert remove_borders(uneven, fill=True)[1] == (0, 160, 0, 160)
    plain = np.full((3, 160, 160, 3), 128, np.uint8)
    assert remove_borders(plain, fill=True)[1] == (0, 160, 0, 160)
    even = fr.copy()
    even[:, :40] = 90
    even[:, 120:] = 90  # the same picture with a centred flat fill *is* cropped
    assert remove_borders(even, fill=True)[1] == (40, 120, 0, 160)


def test_a_picture_that_softens_towards_its_edges_is_content():
    """The real carphone_distorted clip loses detail gradually towards top and bottom (a ramp, not
    the step an edited fill ends in): nothing is cropped.  Without the step rule it was cut to
    rows 26–141 of 160, which split its copy group in the end-to-end test."""
    from vidfp.corpus.media import clip_path, read_frames

    fr, fps = read_frames(clip_path("carphone_distorted"))
    sq = resize_bilinear(fr[:: max(1, int(fps / 4))], (160, 160))
    assert remove_borders(sq, fill=True)[1] == (0, 160, 0, 160)
    assert remove_borders(sq, fill=False)[1] == (0, 160, 0, 160)


def test_library_defaults_are_the_decoders():
    """Called without flags, the framing functions do what the pipeline does by default."""
    import inspect

    from vidfp.config import DecodeConfig
    from vidfp.decode.framing import frame_content

    cfg = DecodeConfig()
    fc = inspect.signature(frame_content).parameters
    assert (fc["borders"].default, fc["inset"].default, fc["fill"].default) == (
        cfg.remove_borders,
        cfg.find_inset,
        cfg.blurred_fill,
    )
    assert inspect.signature(remove_borders).parameters["fill"].default == cfg.blurred_fill
