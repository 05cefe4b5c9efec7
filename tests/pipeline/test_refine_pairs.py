"""Segment refinement in the pipeline (vidfp.pipeline.refine): which pairs are decoded, how the
others take a refined pair's ends, and real decoding of a partial insert."""

import logging

import numpy as np
import pytest

from vidfp.config import DecodeConfig
from vidfp.corpus.media import write_video
from vidfp.decode.reader import decode_video
from vidfp.encoders import get_encoder
from vidfp.pipeline.refine import decode_at, refine_results
from vidfp.pipeline.refine_plan import moved, plan
from vidfp.records import FrameRecord
from vidfp.similarity.scoring import PairResult, Segment


def _pr(a, b, sim, segs, partial=True, dup=False):
    return PairResult(a, b, sim, dup, is_partial=partial, segments=tuple(Segment(*s, 0.8) for s in segs))


def test_plan_decodes_one_pair_per_host_and_group():
    """Host h holds a piece of s; s1 and s2 are copies of s (one of them a sample later at the end),
    x is a copy whose piece of h is elsewhere, and (s, t) is a partial pair of another host."""
    results = [
        _pr("h", "s", 0.9, [(3.0, 7.0, 1.0, 5.0)]),
        _pr("h", "s1", 0.95, [(3.0, 7.5, 1.0, 5.5)]),
        _pr("s2", "h", 0.8, [(1.0, 5.0, 3.0, 7.0)]),
        _pr("h", "x", 0.7, [(9.0, 11.0, 0.0, 2.0)]),
        _pr("s", "t", 0.85, [(0.0, 2.0, 4.0, 6.0)]),
        _pr("s", "s1", 0.99, [(0.0, 9.0, 0.0, 9.0)], partial=False, dup=True),
        _pr("h", "u", 0.3, [(0.0, 2.0, 0.0, 2.0)], partial=False),  # not linked: left alone
    ]
    tol = dict.fromkeys("h s s1 s2 t u x".split(), 0.75)
    p = plan(results, [("s", "s2"), ("x", "s")], tol)
    assert p.direct == [1, 4, 3]  # best first: (h, s1) stands for the group on h; (s, t); (h, x) elsewhere on h
    assert p.transfer == {0: (1, "h"), 2: (1, "h")}
    # without the stored edges, s2 is no known copy of s: its pair is decoded; s ~ s1 comes from the results
    assert plan(results, [], tol).direct == [1, 4, 2, 3]


def test_moved_takes_the_shared_videos_refined_ends_and_maps_the_other():
    coarse, fine = Segment(3.0, 7.0, 1.0, 5.0, 0.8), Segment(3.2, 6.9, 1.2, 4.9, 0.8)
    k = Segment(1.0, 5.5, 3.0, 7.5, 0.8, 1.0, 2.0)  # v is B here, one sample later at the end
    out = moved(coarse, fine, k, True, False, 10.0)
    assert (out.b_start_s, out.b_end_s) == (3.2, 6.9)
    assert (out.a_start_s, out.a_end_s) == pytest.approx((1.2, 4.9))
    slow = Segment(1.0, 5.0, 3.0, 7.0, 0.8, 0.5, 2.5)  # B runs at half A's rate: A moves twice as far
    out = moved(coarse, fine, slow, True, False, 10.0)
    assert (out.a_start_s, out.a_end_s) == pytest.approx((1.4, 4.8))
    assert moved(coarse, coarse, k, True, False, 10.0) == k  # nothing refined: nothing moves


def test_moved_leaves_an_end_the_other_video_cuts_itself_and_stays_inside_it():
    """A trimmed copy o whose piece starts at its own first frame: the decoded pair's cut on v is not
    o's, so that end stays; an end moved past o's own length is held at it, and v's end with it."""
    coarse, fine = Segment(1.5, 5.0, 3.5, 7.0, 0.8), Segment(1.0, 5.0, 3.0, 7.0, 0.8)  # v = B
    trimmed = Segment(0.0, 3.5, 3.5, 7.0, 0.8, 1.0, 3.5)  # o = A starts the piece at 0
    assert moved(coarse, fine, trimmed, False, False, 3.5) == trimmed
    late = Segment(0.5, 3.4, 3.5, 6.4, 0.8, 1.0, 3.0)  # o = A, 3.5 s long; v's end moves 0.6 s later
    out = moved(Segment(1.0, 6.4, 1.0, 6.4, 0.8), Segment(1.0, 6.4, 1.0, 7.0, 0.8), late, False, False, 3.5)
    assert out.a_end_s == pytest.approx(3.5)  # held at the end of A (o) ...
    assert out.b_end_s == pytest.approx(6.5)  # ... so B's end moves only as far (rate 1): both on the line


def _texture_video(frames_idx, rng_seed=0, size=(64, 96)):
    """Frames of a pan over a seeded block texture (frame t = the window at x = 4·t, y = t): no two
    frames of it alike."""
    h, w = size
    tex = np.random.default_rng(rng_seed).integers(0, 255, (48, 160, 3), dtype=np.uint8).repeat(4, 0).repeat(4, 1)
    return np.stack([tex[t : t + h, 4 * t : 4 * t + w] for t in frames_idx])


@pytest.fixture(scope="module")
def insert(tmp_path_factory):
    """Source: 8 s of a texture pan at 12 frames/s.  Host: 2.25 s of another texture, the source's
    frames 17..64 (1.417–5.333 s), then 2 s of the other texture again, at 12 frames/s."""
    d = tmp_path_factory.mktemp("refine")
    src = _texture_video(range(96))
    other = _texture_video(range(100), rng_seed=1)
    host = np.concatenate([other[:27], src[17:64], other[40:64]])
    write_video(str(d / "src.mp4"), src, 12.0, crf=18)
    write_video(str(d / "host.mp4"), host, 12.0, crf=18)
    return d, (17 / 12, 64 / 12, 27 / 12, (27 + 47) / 12)


def _records(d, enc, cfg):
    recs = {}
    for name in ("host", "src"):
        rec, meta = decode_video(str(d / f"{name}.mp4"), name, enc.input_size, cfg)
        rec = rec.with_features(*enc.encode(rec.pixels))
        rec.meta["duration_s"] = meta.duration_s
        recs[name] = rec
    return recs


def test_partial_insert_is_refined_to_a_fine_step(insert, caplog):
    """The coarse segment is off as the 2-frames/s samples leave it (each end up to a quarter second,
    the map by a sampling phase); refined on the real decoded frames (SSCD), every end is within dt
    and a frame."""
    d, truth = insert
    enc, cfg = get_encoder("sscd-distilled"), DecodeConfig()
    recs = _records(d, enc, cfg)
    seg = Segment(2.5, 6.0, 1.75, 5.25, 0.8, 1.0, -0.75)  # A = host
    r = PairResult("host", "src", 0.9, False, is_partial=True, segments=(seg,))
    want = (truth[2], truth[3], truth[0], truth[1])
    uris = {k: str(d / f"{k}.mp4") for k in recs}
    with caplog.at_level(logging.INFO, logger="vidfp.pipeline.refine"):
        out = refine_results([r], recs, uris, enc, cfg, refine_fps=8.0, workers=1)[0].segments[0]
    got = (out.a_start_s, out.a_end_s, out.b_start_s, out.b_end_s)
    before = np.abs(np.subtract((seg.a_start_s, seg.a_end_s, seg.b_start_s, seg.b_end_s), want))
    after = np.abs(np.subtract(got, want))
    assert after.max() <= 0.125 + 1 / 12, (got, want)  # dt and one frame
    assert after.mean() < before.mean()
    assert "1 moved" in caplog.text
    # a file that can no longer be read keeps its coarse ends, and says so
    with caplog.at_level(logging.WARNING, logger="vidfp.pipeline.refine"):
        kept = refine_results([r], recs, {**uris, "src": str(d / "gone.mp4")}, enc, cfg, 8.0, workers=1)[0]
    assert kept.segments == r.segments and "keep their coarse ends" in caplog.text
    assert refine_results([r], recs, uris, enc, cfg, refine_fps=0, workers=1)[0] is r  # off


def test_decode_at_frames_like_the_fingerprints(tmp_path):
    """Letterboxed video: the frames at the samples' own instants are the fingerprinting decode's
    pixels exactly (same framing decisions), and ``mirror`` flips them."""
    frames = _texture_video(range(30), size=(48, 96))
    frames[:, :8] = 0
    frames[:, -8:] = 0
    p = str(tmp_path / "lb.mp4")
    write_video(p, frames, 10.0, crf=10)
    cfg = DecodeConfig()
    rec, _ = decode_video(p, "v", (64, 64), cfg)
    assert rec.meta["content_box"] is not None
    t, px = decode_at(p, "v", (64, 64), cfg, rec.t_s, rec.t_s)
    np.testing.assert_array_equal(t, rec.t_s)
    np.testing.assert_array_equal(px, rec.pixels)
    _, mx = decode_at(p, "v", (64, 64), cfg, rec.t_s, rec.t_s[:3], mirror=True)
    np.testing.assert_array_equal(mx, rec.pixels[:3, :, ::-1])
    between, _ = decode_at(p, "v", (64, 64), cfg, rec.t_s, rec.t_s[:3] + 0.15)
    assert np.allclose(between, rec.t_s[:3] + 0.1, atol=1e-3)  # the frame on screen 0.15 s later (10 fps)


def test_decode_at_with_an_encoder_returns_the_descriptors_of_those_frames(tmp_path):
    """An encoder that runs in the job processes embeds there: the same descriptors, bit for bit, as
    embedding decode_at's pixels here (mirrored ones included)."""
    from vidfp.encoders import get_encoder

    p = str(tmp_path / "v.mp4")
    write_video(p, _texture_video(range(24), size=(48, 96)), 12.0, crf=10)
    enc = get_encoder("sscd-distilled")
    cfg = DecodeConfig()
    rec, _ = decode_video(p, "v", enc.input_size, cfg)
    at = rec.t_s[:4] + 0.05
    for mirror in (False, True):
        t, px = decode_at(p, "v", enc.input_size, cfg, rec.t_s, at, mirror)
        t2, desc = decode_at(p, "v", enc.input_size, cfg, rec.t_s, at, mirror, enc.worker_copy(2))
        np.testing.assert_array_equal(t2, t)
        assert desc.shape == (len(t), 512)
        np.testing.assert_array_equal(desc, enc.encode_whole(px))


def test_records_are_not_touched(insert):
    """Refinement reads records and returns new results; the records it was given stay as they were."""
    d, _ = insert
    enc, cfg = get_encoder("baseline"), DecodeConfig()
    recs = _records(d, enc, cfg)
    before = {k: (v.t_s.copy(), v.global_vecs.copy()) for k, v in recs.items()}
    r = PairResult("host", "src", 0.9, False, is_partial=True, segments=(Segment(2.0, 6.0, 1.0, 5.0, 0.8),))
    (out,) = refine_results([r], recs, {k: str(d / f"{k}.mp4") for k in recs}, enc, cfg, 8.0, workers=1)
    for k, v in recs.items():
        assert isinstance(v, FrameRecord)
        np.testing.assert_array_equal(v.t_s, before[k][0])
        np.testing.assert_array_equal(v.global_vecs, before[k][1])
    assert out is not r and r.segments == (Segment(2.0, 6.0, 1.0, 5.0, 0.8),)  # a new result; the old one kept
