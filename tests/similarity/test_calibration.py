"""Background calibration (vidfp.similarity.calibration) on seeded synthetic catalogs."""

import numpy as np
import pytest

from vidfp.config import ScoringConfig
from vidfp.records import FrameRecord
from vidfp.similarity.calibration import MIN_VIDEOS, Calibration, background_calibration
from vidfp.similarity.chamfer import chamfer_matrix
from vidfp.similarity.scoring import PairScorer


def _unit(x):
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def _record(vid, regions, camera=None):
    t = np.arange(regions.shape[0]) / 2.0
    g = _unit(regions.mean(1))
    c = np.full((len(t), 2), 0.5, np.float32)
    return FrameRecord(vid, t, np.arange(len(t)), global_vecs=g, region_vecs=regions, centroids=c, camera=camera)


def _catalog(n, rng, offset=0.0, d=16):
    """n unrelated videos whose region vectors share a common component (``offset``) like one kind of footage."""
    common = rng.normal(size=d)
    return {f"v{i:02d}": _record(f"v{i:02d}", _unit(rng.normal(size=(12, 4, d)) + offset * common)) for i in range(n)}


def test_matches_a_plain_reference_on_the_same_draw():
    recs = _catalog(12, np.random.default_rng(0))
    cal = background_calibration(recs, n_pairs=30, max_frames=8, seed=3)
    ids = sorted(recs)
    rng = np.random.default_rng(3)
    vals = []
    for _ in range(30):
        i, j = rng.choice(len(ids), 2, replace=False)
        a, b = recs[ids[i]], recs[ids[j]]
        ia = np.linspace(0, a.n_frames - 1, 8).round().astype(int)
        ib = np.linspace(0, b.n_frames - 1, 8).round().astype(int)
        vals += list(chamfer_matrix(a.region_vecs[ia], b.region_vecs[ib]).ravel())
    v = np.array(vals, np.float64)
    assert cal.center == pytest.approx(np.median(v), abs=1e-6)
    assert cal.scale == pytest.approx(1.4826 * np.median(np.abs(v - np.median(v))), abs=1e-6)
    assert background_calibration(recs, n_pairs=30, max_frames=8, seed=3) == cal  # seeded: same draw


def test_follows_the_footage_not_a_constant():
    plain = background_calibration(_catalog(12, np.random.default_rng(1), offset=0.0))
    alike = background_calibration(_catalog(12, np.random.default_rng(1), offset=1.5))
    assert alike.center > plain.center + 3 * plain.scale  # footage that looks alike moves the background up


def test_robust_to_copies_among_the_background():
    rng = np.random.default_rng(2)
    recs = _catalog(20, rng)
    clean = background_calibration(recs)
    for k in range(4):  # 4 videos each copied 1x: a few per cent of random pairs are copies
        src = recs[f"v{k:02d}"]
        recs[f"c{k}"] = _record(f"c{k}", _unit(src.region_vecs + 0.05 * rng.normal(size=src.region_vecs.shape)))
    dirty = background_calibration(recs)
    assert dirty.close_to(clean)


def test_too_few_videos_means_no_measurement():
    assert background_calibration(_catalog(MIN_VIDEOS - 1, np.random.default_rng(0))) is None


def test_thresholds_follow_the_calibration():
    cfg = ScoringConfig()
    lo_cal, hi_cal = Calibration(0.1, 0.05), Calibration(0.5, 0.1)
    a, b = PairScorer(cfg, calibration=lo_cal), PairScorer(cfg, calibration=hi_cal)
    assert a.tau < b.tau and a.lo < b.lo and a.hi < b.hi
    # the same raw similarity is strong evidence on a quiet background and none on a busy one
    assert a.semantic(0.6, 10.0) == 1.0 and b.semantic(0.6, 10.0) == 0.0


def test_identical_motion_through_different_content_is_not_linked():
    rng = np.random.default_rng(5)
    cam = np.zeros((20, 3), np.float32)
    cam[:, 0], cam[:, 2] = 0.2, 1.0  # the same steady pan in both
    a = _record("a", _unit(rng.normal(size=(20, 4, 16))), cam)
    b = _record("b", _unit(rng.normal(size=(20, 4, 16))), cam.copy())
    cal = background_calibration(_catalog(12, rng))  # footage of the same kind: the background
    r = PairScorer(ScoringConfig(), calibration=cal).score(a, b)
    assert r.similarity <= r.semantic + 1e-9 and not r.is_duplicate
