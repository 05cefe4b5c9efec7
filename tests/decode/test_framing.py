"""Framing at the video's own size: the analysis size, one crop for all frames, and copies that
reach the encoder closer to their source than when framed on a squashed thumbnail."""

import numpy as np
import pytest

from vidfp.config import DecodeConfig
from vidfp.corpus.media import clip_path, read_frames, write_video
from vidfp.corpus.transforms import letterbox, pip, vertical
from vidfp.decode import framing
from vidfp.decode.framing import FRAMING_FRAMES, analysis_size, crop_resize, frame_box
from vidfp.decode.inset import inset_box
from vidfp.decode.reader import decode_video

S = (96, 96)  # a small encoder input: framing on it loses most


@pytest.fixture(scope="module")
def bikes():
    fr, fps = read_frames(clip_path("bikes"))
    return fr[:: max(1, int(fps / 2))][:16], 2.0


def test_analysis_size():
    assert analysis_size((1080, 1920), S, 288) == (288, 512)  # shorter side capped, shape kept
    assert analysis_size((1920, 1080), S, 288) == (512, 288)
    assert analysis_size((144, 176), S, 288) == (144, 176)  # never enlarged
    assert analysis_size((145, 201), S, 288) == (144, 200)  # even sides, never a pixel more
    assert analysis_size((0, 0), S, 288) == S  # unknown: the encoder's size
    assert analysis_size((1080, 1920), S, 0) == S  # off


def test_crop_resize_equals_a_per_frame_pil_reference():
    from PIL import Image

    rng = np.random.default_rng(3)
    px = rng.integers(0, 256, (3, 40, 70, 3), dtype=np.uint8)
    got = crop_resize(px, (5, 35, 10, 60), (16, 24))
    for k in range(3):
        want = np.asarray(Image.fromarray(px[k, 5:35, 10:60]).resize((24, 16), Image.BILINEAR))
        np.testing.assert_array_equal(got[k], want)
    np.testing.assert_array_equal(crop_resize(px, None, (40, 70)), px)


def test_long_videos_are_framed_on_evenly_spaced_frames(monkeypatch):
    seen = []
    monkeypatch.setattr(framing, "content_box", lambda p: seen.append(len(p)) or (0, 8, 0, 8))
    monkeypatch.setattr("vidfp.decode.inset.inset_box", lambda p, luma=None: None)
    assert frame_box(np.zeros((FRAMING_FRAMES * 3, 8, 8, 3), np.uint8)) is None
    assert frame_box(np.zeros((7, 8, 8, 3), np.uint8)) is None
    assert seen == [FRAMING_FRAMES, 7]


@pytest.mark.parametrize("name", ["vertical", "letterbox", "pip"])
def test_copies_reach_the_encoder_closer_to_their_source(bikes, tmp_path, name):
    """A 9:16 repost, a letterbox and a picture in picture of real footage, decoded for a 96 × 96
    encoder: framed at their own size they are nearer the source decoded the same way than framed
    on the squashed 96 × 96 thumbnail (framing_side=0, the earlier behaviour)."""
    fr, fps = bikes
    make = {"vertical": vertical, "letterbox": letterbox, "pip": pip}[name]
    copy = make(fr, fps, np.random.default_rng(1))[0]
    src_p, copy_p = str(tmp_path / "src.mp4"), str(tmp_path / f"{name}.mp4")
    write_video(src_p, fr, fps, crf=12)
    write_video(copy_p, copy, fps, crf=12)
    errs = {}
    for side in (0, 288):
        cfg = DecodeConfig(fps=2.0, framing_side=side)
        src, _ = decode_video(src_p, "s", S, cfg)
        got, _ = decode_video(copy_p, "c", S, cfg)
        n = min(src.n_frames, got.n_frames)
        errs[side] = np.abs(src.pixels[:n].astype(int) - got.pixels[:n].astype(int)).mean()
    assert errs[288] < 0.75 * errs[0], errs
    assert errs[288] < 12, errs


def test_an_inset_against_the_frame_border_is_found_and_no_box_stretches_to_it(bikes):
    """A picture in picture placed against the top edge (family A's random placements do that) is
    found with its three inner sides; an inset away from the edges is not stretched to the border
    through the backdrop."""
    from scipy.ndimage import gaussian_filter

    fr, fps = bikes
    t, h, w, _ = fr.shape
    rng = np.random.default_rng(0)
    base = gaussian_filter(rng.uniform(0, 255, (h, 2 * w, 3)), sigma=(6, 6, 0))
    base = np.clip((base - base.mean()) * 6 + 128, 0, 255).astype(np.uint8)
    backdrop = np.stack([base[:, k * w // t : k * w // t + w] for k in range(t)])  # slowly moving, as pip's
    for y0 in (0, 3, h // 4):  # against the border, inside its margin band (6 px), away from it
        v = backdrop.copy()
        v[:, y0 : y0 + h // 2, w // 4 : w // 4 + w // 2] = fr[:, ::2, ::2][:, : h // 2, : w // 2]
        box = inset_box(v)
        assert box is not None
        assert abs(box[0] - y0) <= 2 and abs(box[1] - (y0 + h // 2)) <= 2, (y0, box)
        assert abs(box[2] - w // 4) <= 2 and abs(box[3] - (w // 4 + w // 2)) <= 2, (y0, box)
