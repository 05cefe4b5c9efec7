"""The activity time course: how much the picture changes, and when (vidfp.fingerprints.activity)."""

import numpy as np
import pytest

from vidfp.fingerprints.activity import ActivityTimeCourse, pearson, region_change


def _unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _still_camera(rng, bursts, n=40, r=9, d=32, noise=0.01):
    """Region vectors [n, R, D] of a still scene whose regions change during ``bursts`` (frame ranges)."""
    scene = rng.normal(size=(r, d))
    out = np.repeat(scene[None], n, 0) + rng.normal(0, noise, (n, r, d))
    for s, e in bursts:
        for k in range(s, e):  # a passer-by: a few regions change a lot, one step at a time
            out[k, k % r] += rng.normal(0, 1.5, d)
    return _unit(out)


def test_region_change_matches_a_per_region_loop(rng):
    u, v = _unit(rng.normal(size=(5, 4, 8))), _unit(rng.normal(size=(5, 4, 8)))
    ref = [1 - np.mean([float(u[k, j] @ v[k, j]) for j in range(4)]) for k in range(5)]
    assert np.allclose(region_change(u, v), ref)


def test_pearson_is_offset_and_scale_free_and_zero_for_a_constant():
    a = np.array([0.1, 0.5, 0.2, 0.9, 0.3])
    assert pearson(a, 3 * a + 7) == pytest.approx(1.0)
    assert pearson(a, -a) == pytest.approx(-1.0)
    assert pearson(a, np.full(5, 0.4)) == 0.0


def test_a_copy_agrees_and_another_moment_of_the_same_place_does_not(rng):
    t = np.arange(40) * 0.5  # 2 samples/s
    path = np.arange(40)
    act = ActivityTimeCourse(lags_s=(0.5, 1.0))
    first = _still_camera(np.random.default_rng(1), [(3, 9), (20, 24), (31, 37)])
    copy = _unit(first + rng.normal(0, 0.02, first.shape))  # a re-encode: the same changes, a little noise
    later = _still_camera(np.random.default_rng(1), [(10, 16), (26, 29)])  # same scene, other passers-by
    s_copy, w_copy = act.compare_aligned(first, copy, t, path, path)
    s_later, w_later = act.compare_aligned(first, later, t, path, path)
    assert w_copy > 0.9 and w_later > 0.9  # both series rise and fall: the signal speaks
    assert s_copy > 0.9 and s_later < 0.3


def _even_pan(rng, n=40, r=9, d=32, step=0.15):
    """Region vectors [n, R, D] of a camera panning at an even pace: every region's vector rotates by
    the same small angle each sample (a smooth change of the same size at every step)."""
    start, drift = _unit(rng.normal(size=(r, d))), rng.normal(size=(r, d))
    drift -= (drift * start).sum(-1, keepdims=True) * start
    drift = _unit(drift)
    ang = step * np.arange(n)[:, None, None]
    return _unit(np.cos(ang) * start[None] + np.sin(ang) * drift[None])


def test_two_even_pans_abstain_with_the_default_lags(rng):
    """Two unrelated pans at an even pace: each lag's series is level, so the signal abstains.  (Joined
    across lags, the 1 s changes sit above the 0.5 s ones in both series: that step once made any two
    even pans "vary" and correlate at ρ ≈ 1.)"""
    t = np.arange(40) * 0.5
    path = np.arange(40)
    a, b = _even_pan(np.random.default_rng(1)), _even_pan(np.random.default_rng(2))
    act = ActivityTimeCourse()  # ScoringConfig's lags: 0.5 s and 1 s
    assert act.lags_s == (0.5, 1.0)
    blocks = act.series(a, b, t, path, path)
    assert len(blocks) == 2 and all(x.std() / x.mean() < 0.05 for blk in blocks for x in blk)
    joined = np.concatenate([x for x, _ in blocks])
    assert joined.std() / joined.mean() > 0.3  # what a joined series would have looked like
    assert act.compare_aligned(a, b, t, path, path) == (0.0, 0.0)


def test_confidence_ramps_with_the_variation_and_the_number_of_steps():
    act = ActivityTimeCourse(cv_lo=0.2, cv_hi=0.4, min_steps=8)
    wavy = np.array([1.0, 1.3, 0.7, 1.3, 0.7, 1.3, 0.7, 1.0])  # cv = 0.27
    assert act.confidence(wavy, wavy) == pytest.approx((wavy.std() / wavy.mean() - 0.2) / 0.2)
    bursty = np.array([0.1, 1.0, 0.1, 1.0, 0.1, 1.0, 0.1, 1.0])
    assert act.confidence(bursty, bursty) == 1.0
    assert act.confidence(bursty[:4], bursty[:4]) == pytest.approx(0.5)  # 4 of 8 steps
    assert act.confidence(bursty, wavy) == act.confidence(wavy, wavy)  # the less varied series decides
    with pytest.raises(ValueError):
        ActivityTimeCourse(cv_lo=0.5, cv_hi=0.5)


def test_a_frozen_shot_abstains_though_its_noise_varies(rng):
    """A still image held for the whole clip: its activity is codec noise around a mean near 0, whose
    coefficient of variation is large.  Without the level floor it would count fully (and its ρ ≈ 0
    would veto the copy); with it, it abstains."""
    t = np.arange(40) * 0.5
    path = np.arange(40)
    still = _unit(np.repeat(rng.normal(size=(1, 9, 32)), 40, 0) + rng.normal(0, 0.002, (40, 9, 32)))
    still[::8] = _unit(still[::8] + rng.normal(0, 0.03, (5, 9, 32)))  # a keyframe's small jump now and then
    copy = _unit(still + rng.normal(0, 0.002, still.shape))
    for a, b in ActivityTimeCourse(lags_s=(0.5, 1.0)).series(still, copy, t, path, path):
        assert max(a.mean(), b.mean()) < 0.005 and min(a.std() / a.mean(), b.std() / b.mean()) > 0.4
    assert ActivityTimeCourse(lags_s=(0.5, 1.0)).compare_aligned(still, copy, t, path, path) == (0.0, 0.0)
    no_floor = ActivityTimeCourse(lags_s=(0.5, 1.0), level_lo=0.0, level_hi=1e-6)
    assert no_floor.compare_aligned(still, copy, t, path, path)[1] > 0.9
    for bad in (dict(level_lo=0.02, level_hi=0.01), dict(min_steps=0), dict(lags_s=()), dict(lags_s=(0.0,))):
        with pytest.raises(ValueError):
            ActivityTimeCourse(**bad)
